package org.signsgd.metrics;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.signsgd.train.WorkerRow;

/** The Parquet schema of {@code workers/}: one row per (run, iteration, worker). */
public final class WorkerSchema {
  /** The columns, as {@link WorkerRow} declares them. */
  public static final StructType SCHEMA = RecordColumns.schema(WorkerRow.class);

  private WorkerSchema() {}

  public static Row toRow(WorkerRow r) {
    return RecordColumns.row(r);
  }
}
