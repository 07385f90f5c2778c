package org.signsgd.metrics;

import java.nio.file.Path;
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
  private final Path out;
  private final int flushEvery;
  private final List<Row> buffer = new ArrayList<>();

  public MetricsStore(SparkSession spark, Path out, int flushEvery) {
    this.spark = spark;
    this.out = out;
    this.flushEvery = flushEvery;
  }

  public Path iterationsDir() {
    return out.resolve("iterations");
  }

  public Path runsDir() {
    return out.resolve("runs");
  }

  public void add(IterationRow row) {
    buffer.add(IterationSchema.toRow(row));
    if (buffer.size() >= flushEvery) {
      flush();
    }
  }

  public void flush() {
    if (buffer.isEmpty()) {
      return;
    }
    spark.createDataFrame(new ArrayList<>(buffer), IterationSchema.SCHEMA).coalesce(1).write()
        .mode(SaveMode.Append).partitionBy("run_id").parquet(iterationsDir().toString());
    buffer.clear();
  }

  /**
   * Before a resume at iteration {@code next}: keeps only the run's rows before it (a crash may have flushed
   * rows past the last resume point), so that the resumed run writes every iteration exactly once.
   * @return the rows kept
   */
  public long truncate(String runId, long next) throws java.io.IOException {
    Path part = iterationsDir().resolve("run_id=" + runId);
    if (!java.nio.file.Files.exists(part)) {
      return 0;
    }
    String[] columns = IterationSchema.SCHEMA.fieldNames();
    List<Row> keep = spark.read().schema(IterationSchema.SCHEMA).parquet(iterationsDir().toString())
        .filter(org.apache.spark.sql.functions.col("run_id").equalTo(runId)
            .and(org.apache.spark.sql.functions.col("iteration").lt(next)))
        .selectExpr(columns).collectAsList();
    try (var files = java.nio.file.Files.walk(part)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.delete(f);
      }
    }
    if (!keep.isEmpty()) {
      spark.createDataFrame(new ArrayList<>(keep), IterationSchema.SCHEMA).coalesce(1).write()
          .mode(SaveMode.Append).partitionBy("run_id").parquet(iterationsDir().toString());
    }
    return keep.size();
  }

  public void addRun(RunRecord run) {
    flush();
    spark.createDataFrame(RunRecord.rows(List.of(run)), RunRecord.SCHEMA).coalesce(1).write()
        .mode(SaveMode.Append).parquet(runsDir().toString());
  }
}
