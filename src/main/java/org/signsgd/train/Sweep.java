package org.signsgd.train;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.signsgd.job.JobSpec;
import org.signsgd.metrics.MetricsStore;
import org.signsgd.metrics.OutputDir;

/**
 * The {@code sweep} command's engine (DESIGN §5, issue 8): every configuration of a grid is a run in one output
 * directory, and a configuration already finished there ({@code completed}, {@code resumed} or
 * {@code diverged} in {@code runs/}) is skipped, so an interrupted sweep continues where it stopped. Two levels of
 * parallelism: the runs on the in-process engine (small models) go out as one Spark job whose tasks are whole
 * runs, {@code parallel} at a time, so a grid uses every core of a cluster; runs on the Spark engine (large
 * models) run one after another, each spread over the partitions.
 */
public final class Sweep {
  /** What a sweep did: configurations skipped as finished, and how each run it ran ended. */
  public record Outcome(int skipped, Map<String, String> status) {}

  /** One whole run done inside a task. */
  record Done(String runId, List<IterationRow> rows, List<WorkerRow> workers, String status, String error,
      int[] byzantineIds, String start, String end)
      implements Serializable {}

  private Sweep() {}

  public static Outcome run(SparkSession spark, List<JobSpec> specs, OutputDir out, int parallel, PrintWriter err)
      throws IOException {
    Set<String> finished = finished(spark, out);
    List<JobSpec> pending = specs.stream().filter(s -> !finished.contains(s.runId())).toList();
    err.println("sweep: " + specs.size() + " configurations, " + (specs.size() - pending.size())
        + " already finished in " + out + ", " + pending.size() + " to run");
    err.flush();
    // an interrupted run may have flushed rows: it starts again from nothing
    MetricsStore cleaner = new MetricsStore(spark, out, Integer.MAX_VALUE);
    for (JobSpec spec : pending) {
      cleaner.truncate(spec.runId(), 0);
    }
    Map<String, String> status = new LinkedHashMap<>();
    List<JobSpec> small = pending.stream().filter(s -> s.engine().equals("inprocess")).toList();
    if (!small.isEmpty()) {
      status.putAll(inTasks(spark, small, out, parallel, err));
    }
    for (JobSpec spec : pending) {
      if (!spec.engine().equals("inprocess")) {
        status.putAll(Training.run(spark, List.of(spec), out, err).status());
      }
    }
    return new Outcome(specs.size() - pending.size(), status);
  }

  private static Map<String, String> inTasks(SparkSession spark, List<JobSpec> specs, OutputDir out,
      int parallel, PrintWriter err) throws IOException {
    // f* for the gap column needs Spark (MLlib): computed here, once per run, before the tasks start
    Map<String, Double> optimum = new HashMap<>();
    for (JobSpec spec : specs) {
      Driver d = new Driver(spec);
      optimum.put(spec.runId(), Optimum.of(spark, d.model()));
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int slots = Math.max(1, Math.min(parallel > 0 ? parallel : jsc.defaultParallelism(), specs.size()));
    err.println("sweep: " + specs.size() + " in-process runs as Spark tasks, " + slots + " at a time");
    err.flush();
    // one single-task Spark job per run, `slots` in flight: no core idles behind a batch's slowest run, and
    // each run's rows are written as soon as it ends, so an interrupted sweep loses only the runs in flight
    MetricsStore store = new MetricsStore(spark, out, Integer.MAX_VALUE);
    Map<String, String> status = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    String versions = Versions.describe(spark);
    String commit = Versions.gitCommit();
    long t0 = System.nanoTime();
    java.util.concurrent.atomic.AtomicInteger ended = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(slots);
    try {
      List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
      for (JobSpec spec : specs) {
        futures.add(pool.submit(() -> {
          double f = optimum.get(spec.runId());
          Done d = jsc.parallelize(List.of(spec), 1).map(s -> runWhole(s, f)).collect().get(0);
          synchronized (store) {
            d.rows().forEach(store::add);
            d.workers().forEach(store::addWorker);
            store.flush();
            store.addRun(Training.record(spec, d.byzantineIds(), versions, commit, d.start(), d.end(),
                d.status(), f));
          }
          status.put(d.runId(), d.status());
          synchronized (err) {
            err.printf("sweep: [%d/%d, %.0f s] %s %s (%d rows)%s%n", ended.incrementAndGet(), specs.size(),
                (System.nanoTime() - t0) / 1e9, Training.label(spec), d.status(), d.rows().size(),
                d.error() == null ? "" : ": " + d.error());
            err.flush();
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> f : futures) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          Throwable c = e.getCause();
          if (c instanceof IOException io) {
            throw io;
          }
          throw c instanceof RuntimeException r ? r : new IllegalStateException(c);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("sweep interrupted", e);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return status;
  }

  /** A whole run on the in-process engine, inside a task; a run that throws ends {@code failed}, with why. */
  static Done runWhole(JobSpec spec, double optimum) {
    String start = Instant.now().toString();
    Driver driver = new Driver(spec).withOptimum(optimum);
    List<IterationRow> rows = new ArrayList<>();
    List<WorkerRow> workers = new ArrayList<>();
    driver.onWorkerRows(workers::add);
    String result;
    String error = null;
    try {
      result = new InProcessEngine().run(driver, rows::add);
    } catch (RuntimeException e) {
      result = "failed";
      error = e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    return new Done(spec.runId(), rows, workers, result, error, driver.byzantineIds(), start, Instant.now().toString());
  }

  /** The run ids already finished in {@code out}'s runs/. */
  static Set<String> finished(SparkSession spark, OutputDir out) throws IOException {
    Set<String> ids = new HashSet<>();
    if (!out.exists("runs")) {
      return ids;
    }
    for (Row r : spark.read().parquet(out.uri("runs")).select("run_id", "status").collectAsList()) {
      if (Set.of("completed", "resumed", "diverged").contains(r.getString(1))) {
        ids.add(r.getString(0));
      }
    }
    return ids;
  }
}
