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

  public void addRun(RunRecord run) {
    flush();
    spark.createDataFrame(RunRecord.rows(List.of(run)), RunRecord.SCHEMA).coalesce(1).write()
        .mode(SaveMode.Append).parquet(runsDir().toString());
  }
}
