package org.signsgd.metrics;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.signsgd.train.IterationRow;

/** The columns of {@code iterations/}, one row per (run, iteration), in order: {@link IterationRow}'s components. */
public final class IterationSchema {
  /** Columns that hold wall-clock times: the only ones allowed to differ between equal runs. */
  public static final List<String> TIMING = List.of("compute_ms", "aggregate_ms", "iteration_ms");

  /** The columns, as {@link IterationRow} declares them. */
  public static final StructType SCHEMA = RecordColumns.schema(IterationRow.class);

  private IterationSchema() {}

  public static Row toRow(IterationRow r) {
    return RecordColumns.row(r);
  }
}
