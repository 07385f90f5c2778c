package org.signsgd.metrics;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.signsgd.train.WorkerRow;

/** The Parquet schema of {@code workers/}: one row per (run, iteration, worker). */
public final class WorkerSchema {
  public static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false).add("iteration", DataTypes.LongType, false)
      .add("worker", DataTypes.IntegerType, false).add("agreement", DataTypes.DoubleType, true)
      .add("weight", DataTypes.DoubleType, true).add("byzantine", DataTypes.BooleanType, false);

  private WorkerSchema() {}

  public static Row toRow(WorkerRow r) {
    return RowFactory.create(r.runId(), r.iteration(), r.worker(), r.agreement(), r.weight(), r.byzantine());
  }
}
