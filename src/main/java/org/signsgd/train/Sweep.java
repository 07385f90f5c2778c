package org.signsgd.train;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.signsgd.job.EngineKind;
import org.signsgd.job.JobSpec;
import org.signsgd.metrics.IterationSchema;
import org.signsgd.metrics.MetricsTables;
import org.signsgd.metrics.OutputDir;
import org.signsgd.metrics.Table;
import org.signsgd.metrics.WorkerSchema;

/**
 * The {@code sweep} command's engine: every configuration of a grid is a run in one output directory, decided
 * by {@link RunLifecycle} (a configuration already finished there is skipped, an unfinished attempt starts
 * over), so an interrupted sweep continues where it stopped. Two levels of parallelism: the runs on the
 * in-process engine (small models) go out as single-task Spark jobs, {@code parallel} at a time, so a grid uses
 * every core of a cluster, and the runs that ended meanwhile are written together (one transaction per table);
 * runs on the Spark engine (large models) run one after another, each spread over the partitions.
 */
public final class Sweep {
  /** What a sweep did: configurations skipped as finished, and how each run it ran ended. */
  public record Outcome(int skipped, Map<String, RunStatus> status) {}

  /** One whole run done inside a task. */
  record Done(String runId, List<IterationRow> rows, List<WorkerRow> workers, RunStatus status, String error,
      int[] byzantineIds, String start, String end) implements Serializable {}

  private Sweep() {}

  public static Outcome run(SparkSession spark, List<JobSpec> specs, OutputDir out, int parallel, PrintWriter err)
      throws IOException {
    return run(spark, specs, out, parallel, false, err);
  }

  /** @param force run finished configurations again ({@code --force}) */
  public static Outcome run(SparkSession spark, List<JobSpec> specs, OutputDir out, int parallel, boolean force,
      PrintWriter err) throws IOException {
    MetricsTables tables = new MetricsTables(spark, out);
    tables.prepareForWriting().forEach(err::println);
    List<RunLifecycle.Decision> decisions = RunLifecycle.decide(spark, tables, specs, force, null);
    List<RunLifecycle.Decision> pending = decisions.stream()
        .filter(d -> d.start() != RunLifecycle.Start.SKIP).toList();
    err.println("sweep: " + specs.size() + " configurations, " + (specs.size() - pending.size())
        + " already finished in " + out + ", " + pending.size() + " to run");
    err.flush();
    Map<String, RunStatus> status = new LinkedHashMap<>();
    List<JobSpec> small = pending.stream().map(RunLifecycle.Decision::spec)
        .filter(s -> s.engine() == EngineKind.INPROCESS).toList();
    if (!small.isEmpty()) {
      status.putAll(inTasks(spark, tables, small, parallel, err));
    }
    for (RunLifecycle.Decision d : pending) {
      if (d.spec().engine() != EngineKind.INPROCESS && !Interrupts.requested()) {
        RunLifecycle.Decision quiet = new RunLifecycle.Decision(d.spec(), d.start(), d.from(), d.clear(), null);
        status.put(d.spec().runId(), RunLifecycle.execute(spark, tables, quiet, "[sweep " + Training.label(
            d.spec()) + "]", err));
      }
    }
    return new Outcome(specs.size() - pending.size(), status);
  }

  private static Map<String, RunStatus> inTasks(SparkSession spark, MetricsTables tables, List<JobSpec> specs,
      int parallel, PrintWriter err) throws IOException {
    // f* for the gap column needs Spark (MLlib): computed here, once per run, before the tasks start
    Map<String, Double> optimum = new HashMap<>();
    for (JobSpec spec : specs) {
      optimum.put(spec.runId(), Optimum.of(spark, new Driver(spec).model()));
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int slots = Math.max(1, Math.min(parallel > 0 ? parallel : jsc.defaultParallelism(), specs.size()));
    err.println("sweep: " + specs.size() + " in-process runs as Spark tasks, " + slots + " at a time");
    err.flush();
    // one single-task Spark job per run, `slots` in flight: no core idles behind a batch's slowest run; the
    // runs that ended are written as soon as the writer is free, so an interrupted sweep loses only runs in flight
    LinkedBlockingQueue<Object> ended = new LinkedBlockingQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(slots);
    for (JobSpec spec : specs) {
      pool.submit(() -> {
        Object result = spec; // not run: a stop request came first, or its job was cancelled by one
        try {
          if (!Interrupts.requested()) {
            double f = optimum.get(spec.runId());
            result = jsc.parallelize(List.of(spec), 1).map(s -> runWhole(s, f)).collect().get(0);
          }
        } catch (Throwable e) { // Spark failed the task (executor lost, serialization, memory): a failed run
          if (!Interrupts.requested()) {
            result = failed(spec, e);
          }
        } finally {
          ended.add(result);
        }
      });
    }
    pool.shutdown();
    Map<String, JobSpec> byId = new HashMap<>();
    specs.forEach(s -> byId.put(s.runId(), s));
    Map<String, RunStatus> status = new LinkedHashMap<>();
    String versions = Versions.describe(spark);
    String commit = Versions.gitCommit();
    long t0 = System.nanoTime();
    int accounted = 0;
    try {
      while (accounted < specs.size()) {
        if (Interrupts.requested() && !jsc.isLocal()) {
          jsc.cancelAllJobs(); // on a cluster the executors do not see this JVM's stop request
        }
        Object first = ended.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        List<Object> batch = new ArrayList<>(List.of(first));
        ended.drainTo(batch);
        accounted += batch.size();
        // a run stopped before its first iteration has nothing to keep: it runs next time, like one not started
        List<Done> done = batch.stream().filter(o -> o instanceof Done d && !(d.rows().isEmpty()
            && d.status() == RunStatus.INTERRUPTED)).map(o -> (Done) o).toList();
        write(tables, done, byId, optimum, versions, commit);
        for (Done d : done) {
          status.put(d.runId(), d.status());
          err.printf("sweep: [%d/%d, %.0f s] %s %s (%d rows)%s%n", status.size(), specs.size(),
              (System.nanoTime() - t0) / 1e9, Training.label(byId.get(d.runId())), d.status().label(),
              d.rows().size(), d.error() == null ? "" : ": " + d.error());
        }
        err.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("sweep interrupted", e);
    } finally {
      pool.shutdownNow();
    }
    if (Interrupts.requested()) {
      err.println("interrupted (SIG" + Interrupts.signal() + "): " + status.size() + " of " + specs.size()
          + " in-process runs written; the same sweep command runs the rest");
      err.flush();
    }
    return status;
  }

  /**
   * The rows and records of runs that ended, one transaction per table, each replacing whatever an earlier
   * attempt of those runs left (so that nothing is deleted before its replacement is there).
   */
  private static void write(MetricsTables tables, List<Done> done, Map<String, JobSpec> byId,
      Map<String, Double> optimum, String versions, String commit) {
    if (done.isEmpty()) {
      return;
    }
    List<String> ids = done.stream().map(Done::runId).toList();
    List<Row> rows = new ArrayList<>();
    List<Row> workers = new ArrayList<>();
    List<Row> records = new ArrayList<>();
    for (Done d : done) {
      d.rows().forEach(r -> rows.add(IterationSchema.toRow(r)));
      d.workers().forEach(r -> workers.add(WorkerSchema.toRow(r)));
      records.add(RunLifecycle.record(byId.get(d.runId()), d.byzantineIds(), versions, commit, d.start(), d.end(),
          d.status(), optimum.get(d.runId()), d.error()).toRow());
    }
    tables.replace(Table.WORKERS, ids, workers);
    tables.replace(Table.ITERATIONS, ids, rows);
    tables.replace(Table.RUNS, ids, records);
  }

  /** A run whose Spark job failed before it could return its rows. */
  private static Done failed(JobSpec spec, Throwable e) {
    String now = Instant.now().toString();
    return new Done(spec.runId(), List.of(), List.of(), RunStatus.FAILED, RunLifecycle.describe(e),
        org.signsgd.attack.ByzantineSet.draw(spec.seed(), spec.workers(), spec.byzantine()), now, now);
  }

  /** A whole run on the in-process engine, inside a task; a run that throws ends {@code failed}, with why. */
  static Done runWhole(JobSpec spec, double optimum) {
    String start = Instant.now().toString();
    try {
      DeviceBinding.bind(spec.gpu()); // before the model is built: nothing of ND4J runs before
    } catch (DeviceBinding.DeviceError e) {
      return failed(spec, e);
    }
    Driver driver = new Driver(spec).withOptimum(optimum);
    List<IterationRow> rows = new ArrayList<>();
    List<WorkerRow> workers = new ArrayList<>();
    driver.onWorkerRows(workers::add);
    RunLifecycle.Ended ended = RunLifecycle.run(new InProcessEngine(), driver, rows::add);
    return new Done(spec.runId(), rows, workers, ended.status(), RunLifecycle.describe(ended.error()),
        driver.byzantineIds(), start,
        Instant.now().toString());
  }
}
