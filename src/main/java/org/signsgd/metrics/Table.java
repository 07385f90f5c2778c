package org.signsgd.metrics;

import org.apache.spark.sql.types.StructType;

/**
 * The three tables of an output directory, each a Delta Lake table (Parquet files under a transaction log) in
 * the directory of its name: {@code runs/} (one row per run), {@code iterations/} (one row per run and
 * iteration) and {@code workers/} (one row per run, iteration and worker); the last two are partitioned by
 * {@code run_id}, so that a run's rows are replaced without touching another run's files.
 */
public enum Table {
  RUNS("runs", RunRecord.SCHEMA, false),
  ITERATIONS("iterations", IterationSchema.SCHEMA, true),
  WORKERS("workers", WorkerSchema.SCHEMA, true);

  private final String dir;
  private final StructType schema;
  private final boolean partitioned;

  Table(String dir, StructType schema, boolean partitioned) {
    this.dir = dir;
    this.schema = schema;
    this.partitioned = partitioned;
  }

  /** The directory under the output directory, also the view name in queries. */
  public String dir() {
    return dir;
  }

  public StructType schema() {
    return schema;
  }

  /** Partitioned by run_id. */
  public boolean partitioned() {
    return partitioned;
  }
}
