package org.signsgd.metrics;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.signsgd.train.IterationRow;

/**
 * The Parquet datasets of one output directory, written through Spark SQL: {@code runs/} and
 * {@code iterations/} (partitioned by run_id). Iteration rows are buffered and appended every
 * {@code flushEvery} rows and at the end, so a crash loses at most that many.
 */
public final class MetricsStore {
  private final SparkSession spark;
  private final OutputDir out;
  private final int flushEvery;
  private final List<Row> buffer = new ArrayList<>();
  private final List<Row> workerBuffer = new ArrayList<>();

  public MetricsStore(SparkSession spark, OutputDir out, int flushEvery) {
    this.spark = spark;
    this.out = out;
    this.flushEvery = flushEvery;
  }

  public String iterationsDir() {
    return out.uri("iterations");
  }

  public String runsDir() {
    return out.uri("runs");
  }

  public void add(IterationRow row) {
    buffer.add(IterationSchema.toRow(row));
    if (buffer.size() >= flushEvery) {
      flush();
    }
  }

  /** A workers/ row; written with the iteration rows. */
  public void addWorker(org.signsgd.train.WorkerRow row) {
    workerBuffer.add(WorkerSchema.toRow(row));
  }

  public void flush() {
    if (!workerBuffer.isEmpty()) {
      spark.createDataFrame(new ArrayList<>(workerBuffer), WorkerSchema.SCHEMA).coalesce(1).write()
          .mode(SaveMode.Append).partitionBy("run_id").parquet(out.uri("workers"));
      workerBuffer.clear();
    }
    if (buffer.isEmpty()) {
      return;
    }
    spark.createDataFrame(new ArrayList<>(buffer), IterationSchema.SCHEMA).coalesce(1).write()
        .mode(SaveMode.Append).partitionBy("run_id").parquet(iterationsDir());
    buffer.clear();
  }

  /**
   * Before a resume at iteration {@code next}: keeps only the run's rows before it (a crash may have flushed
   * rows past the last resume point), so that the resumed run writes every iteration exactly once.
   * @return the rows kept
   */
  public long truncate(String runId, long next) throws java.io.IOException {
    truncate("workers", WorkerSchema.SCHEMA, runId, next);
    return truncate("iterations", IterationSchema.SCHEMA, runId, next);
  }

  /** Keeps the run's rows of {@code table} before iteration {@code next}; returns how many. */
  private long truncate(String table, org.apache.spark.sql.types.StructType schema, String runId, long next)
      throws java.io.IOException {
    String part = table + "/run_id=" + runId;
    if (!out.exists(part)) {
      return 0;
    }
    List<Row> keep = spark.read().schema(schema).parquet(out.uri(table))
        .filter(org.apache.spark.sql.functions.col("run_id").equalTo(runId)
            .and(org.apache.spark.sql.functions.col("iteration").lt(next)))
        .selectExpr(schema.fieldNames()).collectAsList();
    out.delete(part);
    if (!keep.isEmpty()) {
      spark.createDataFrame(new ArrayList<>(keep), schema).coalesce(1).write()
          .mode(SaveMode.Append).partitionBy("run_id").parquet(out.uri(table));
    }
    return keep.size();
  }

  public void addRun(RunRecord run) {
    flush();
    spark.createDataFrame(RunRecord.rows(List.of(run)), RunRecord.SCHEMA).coalesce(1).write()
        .mode(SaveMode.Append).parquet(runsDir());
  }
}
