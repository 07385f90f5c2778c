package org.signsgd.metrics;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.signsgd.spec.Echo;

/**
 * The metrics tables of one output directory as Delta Lake tables: every write is one transaction of Delta's
 * log, so concurrent runs into one directory (other processes included) never lose or half-see each other's
 * rows, a run's rows are deleted or replaced atomically, and a new column is added to a table by the write that
 * brings it (schema merging). Delta's conflict exceptions are retried. A commit is atomic on a local disk through
 * {@link LocalFileLogStore} (every session sets it), on HDFS through its rename, and on object stores with a
 * suitable log store (see the README on concurrent writers).
 * Directories written by earlier versions of this project (plain Parquet, no {@code _delta_log}) are read as
 * Parquet, and converted in place to Delta tables before the first write ({@link #prepareForWriting}).
 */
public final class MetricsTables {
  /** How a table is stored in the directory. */
  public enum Format { DELTA, PARQUET, ABSENT }

  /** What a directory holds of one run: its runs/ status (null: none) and its iteration rows. */
  public record Trace(String status, long rows) {}

  private static final int ATTEMPTS = 12;

  private final SparkSession spark;
  private final OutputDir out;

  public MetricsTables(SparkSession spark, OutputDir out) {
    this.spark = spark;
    this.out = out;
  }

  public OutputDir dir() {
    return out;
  }

  public Format format(Table t) throws IOException {
    if (out.exists(t.dir() + "/_delta_log")) {
      // a writer creating the table makes its log directory first and commits its first version last: until
      // then, for everyone else, the table is not there yet
      return committed(t) ? Format.DELTA : Format.ABSENT;
    }
    return out.exists(t.dir()) ? Format.PARQUET : Format.ABSENT;
  }

  /** Whether the table's log holds a commit or a checkpoint (Delta's file names: 20-digit versions). */
  private boolean committed(Table t) throws IOException {
    return out.list(t.dir() + "/_delta_log").stream()
        .anyMatch(n -> n.matches("\\d{20}\\.(json|checkpoint.*\\.parquet)") || n.equals("_last_checkpoint"));
  }

  /**
   * The table's rows (null when the directory has none): a Delta table at its latest version, or an earlier
   * version's Parquet files with their schemas merged. A directory that holds neither is one line.
   */
  public Dataset<Row> read(Table t) throws IOException {
    Format f = format(t);
    try {
      return switch (f) {
        case DELTA -> spark.read().format("delta").load(out.uri(t.dir()));
        case PARQUET -> spark.read().option("mergeSchema", "true").parquet(out.uri(t.dir()));
        case ABSENT -> null;
      };
    } catch (Exception e) { // Spark's AnalysisException (thrown undeclared), Delta's and Parquet's read errors
      throw new IllegalArgumentException(out.display(t.dir()) + " is not a metrics table (" + firstLine(e)
          + "); metrics directories are the --out of train or sweep");
    }
  }

  /**
   * Before a run writes here: tables written by an earlier version as plain Parquet become Delta tables in
   * place (their files are kept; Delta adds its log). Returns a line for the user per converted table.
   */
  public List<String> prepareForWriting() throws IOException {
    List<String> said = new ArrayList<>();
    for (Table t : Table.values()) {
      if (format(t) == Format.PARQUET) {
        if (!out.exists(t.dir() + "/_SUCCESS")) { // every Parquet directory Spark wrote ends with this marker
          throw new IllegalArgumentException(out.display(t.dir()) + " holds files that are neither a Delta table "
              + "nor the Parquet metrics of an earlier version; choose another --out");
        }
        String table = "parquet.`" + out.uri(t.dir()) + "`";
        retrying("converting " + t.dir(), () -> {
          if (t.partitioned()) {
            DeltaTable.convertToDelta(spark, table, "run_id STRING");
          } else {
            DeltaTable.convertToDelta(spark, table);
          }
        });
        said.add("converted " + out.display(t.dir()) + " (plain Parquet from an earlier version) to a Delta "
            + "table in place");
      }
    }
    return said;
  }

  /** Appends rows (of any runs) in one transaction, adding columns the table does not have yet. */
  public void append(Table t, List<Row> rows) {
    if (rows.isEmpty()) {
      return;
    }
    retrying("writing " + t.dir(), () -> writer(t, rows).mode("append").save(out.uri(t.dir())));
  }

  /** Replaces every row of these runs with {@code rows} (rows of those runs only), in one transaction. */
  public void replace(Table t, List<String> runIds, List<Row> rows) {
    if (runIds.isEmpty() || rows.isEmpty() && absent(t)) {
      return; // nothing to replace and nothing to write: no empty table either
    }
    String which = "run_id IN (" + String.join(", ", runIds.stream().map(MetricsTables::literal).toList()) + ")";
    retrying("writing " + t.dir(), () -> writer(t, rows).mode("overwrite").option("replaceWhere", which)
        .save(out.uri(t.dir())));
  }

  /** Deletes the rows of these runs (of their iterations from {@code from} on), in one transaction. */
  public void delete(Table t, List<String> runIds, long from) throws IOException {
    if (runIds.isEmpty() || format(t) == Format.ABSENT) {
      return;
    }
    Column which = functions.col("run_id").isin(runIds.toArray());
    Column condition = t != Table.RUNS && from > 0 ? which.and(functions.col("iteration").geq(from)) : which;
    retrying("deleting from " + t.dir(), () -> DeltaTable.forPath(spark, out.uri(t.dir())).delete(condition));
  }

  private boolean absent(Table t) {
    try {
      return format(t) == Format.ABSENT;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** What the directory holds of each run: one scan of runs/ and one of iterations/. */
  public Map<String, Trace> traces() throws IOException {
    Map<String, String> status = new HashMap<>();
    Dataset<Row> runs = read(Table.RUNS);
    if (runs != null) {
      // a directory from an earlier version may hold two records of one run: the latest one counts
      for (Row r : runs.selectExpr("run_id", "status", "end_time").orderBy("end_time").collectAsList()) {
        status.put(r.getString(0), r.getString(1));
      }
    }
    Map<String, Trace> traces = new HashMap<>();
    Dataset<Row> workers = read(Table.WORKERS);
    if (workers != null) {
      // a crash between a flush's two transactions leaves worker rows without their iteration rows
      for (Row r : workers.select("run_id").distinct().collectAsList()) {
        traces.put(r.getString(0), new Trace(null, 0));
      }
    }
    Dataset<Row> iterations = read(Table.ITERATIONS);
    if (iterations != null) {
      for (Row r : iterations.groupBy("run_id").count().collectAsList()) {
        traces.put(r.getString(0), new Trace(status.get(r.getString(0)), r.getLong(1)));
      }
    }
    status.forEach((id, s) -> traces.merge(id, new Trace(s, 0), (had, record) -> new Trace(s, had.rows())));
    return traces;
  }

  private DataFrameWriter<Row> writer(Table t, List<Row> rows) {
    DataFrameWriter<Row> w = spark.createDataFrame(new ArrayList<>(rows), t.schema()).coalesce(1).write()
        .format("delta").option("mergeSchema", "true");
    return t.partitioned() ? w.partitionBy("run_id") : w;
  }

  /**
   * Runs a Delta transaction again when a concurrent writer's commit conflicts with it (two writers creating
   * the table at once, or two replacing overlapping rows); Delta has already checked that nothing was written.
   */
  private static void retrying(String what, Runnable transaction) {
    for (int attempt = 1; ; attempt++) {
      try {
        transaction.run();
        return;
      } catch (ConcurrentModificationException e) {
        if (attempt == ATTEMPTS) {
          throw new IllegalStateException(what + ": " + ATTEMPTS + " attempts conflicted with concurrent writers ("
              + firstLine(e) + ")", e);
        }
        try {
          Thread.sleep(ThreadLocalRandom.current().nextLong(20, 200) * attempt);
        } catch (InterruptedException stop) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(what + ": interrupted", stop);
        }
      }
    }
  }

  /** A SQL string literal. */
  static String literal(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static String firstLine(Throwable e) {
    String line = Echo.firstLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    return line.length() > 160 ? line.substring(0, 157) + "..." : line;
  }
}
