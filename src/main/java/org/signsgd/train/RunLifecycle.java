package org.signsgd.train;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.signsgd.job.EngineKind;
import org.signsgd.job.JobException;
import org.signsgd.job.JobSpec;
import org.signsgd.metrics.MetricsStore;
import org.signsgd.metrics.MetricsTables;
import org.signsgd.metrics.RunRecord;
import org.signsgd.metrics.Table;

/**
 * The one place that decides how a run starts in an output directory and records how it ended, for
 * {@code train}, {@code sweep}, the benchmark and the tests:
 * <ul>
 *   <li><b>fresh</b>: the directory has nothing of the run, or only an unfinished attempt (failed, interrupted,
 *       or killed before its record), whose rows are deleted first: the run starts over at iteration 0;</li>
 *   <li><b>skip</b>: the run already finished there ({@link RunStatus#finished()}): said, and not run again;</li>
 *   <li><b>rerun</b> ({@code --force}): a finished run's record and rows are deleted and it runs from 0;</li>
 *   <li><b>resume</b> ({@code --resume RUN_ID}): only in the directory that holds the run's rows, only for a run
 *       that has not finished, from its last resume point; the rows from that point on are replaced.</li>
 * </ul>
 * Every delete is one Delta transaction per table, the run's record first, so that a finished record never
 * stands over rows being replaced. A run ends {@code completed} ({@code resumed} after a resume),
 * {@code diverged}, {@code failed} (the error recorded, then raised) or {@code interrupted} (SIGINT/SIGTERM:
 * rows flushed, record written); in every case its rows are flushed and its record written before the command
 * moves on.
 */
public final class RunLifecycle {
  /** How a run starts. */
  public enum Start { FRESH, SKIP, RESUME }

  /**
   * The decision for one run: how it starts, the first iteration it writes ({@code from}), whether its
   * earlier rows must be deleted first, and what to tell the user (null: nothing).
   */
  public record Decision(JobSpec spec, Start start, long from, boolean clear, String note) {}

  /** How a run ended: its status, and the error of a failed run. */
  public record Ended(RunStatus status, RuntimeException error) {}

  private RunLifecycle() {}

  /**
   * Decides every run of a job against what the directory holds.
   *
   * @param force run finished runs again ({@code --force})
   * @param resumeRunId null, or the one run to resume (the job's other runs are not run)
   */
  public static List<Decision> decide(SparkSession spark, MetricsTables tables, List<JobSpec> specs,
      boolean force, String resumeRunId) throws IOException {
    Map<String, MetricsTables.Trace> traces = tables.traces();
    if (resumeRunId != null) {
      JobSpec spec = resumable(specs, resumeRunId);
      return List.of(resume(spark, tables, spec, traces.get(spec.runId())));
    }
    List<Decision> out = new ArrayList<>();
    for (JobSpec spec : specs) {
      MetricsTables.Trace trace = traces.get(spec.runId());
      RunStatus ended = trace == null ? null : RunStatus.of(trace.status());
      String id = spec.runId();
      if (trace == null) {
        out.add(new Decision(spec, Start.FRESH, 0, false, null));
      } else if (ended != null && ended.finished() && !force) {
        out.add(new Decision(spec, Start.SKIP, 0, false, "run " + id + " already " + ended.label() + " in "
            + tables.dir() + " (" + trace.rows() + " iterations): skipped; --force runs it again"));
      } else if (ended != null && ended.finished()) {
        out.add(new Decision(spec, Start.FRESH, 0, true, "run " + id + ": --force: its " + ended.label()
            + " rows and record in " + tables.dir() + " are replaced by a new run"));
      } else {
        long point = latestPoint(spark, spec);
        out.add(new Decision(spec, Start.FRESH, 0, true, "run " + id + ": its earlier attempt in " + tables.dir()
            + " ended " + (ended == null ? "without a record" : ended.label()) + " after " + trace.rows()
            + " iterations; it starts again from iteration 0"
            + (point > 0 ? " (--resume " + id + " would continue it from iteration " + point + ")" : "")));
      }
    }
    return out;
  }

  private static Decision resume(SparkSession spark, MetricsTables tables, JobSpec spec,
      MetricsTables.Trace trace) throws IOException {
    String id = spec.runId();
    if (trace == null || trace.rows() == 0) {
      throw new JobException(spec.name(), "--resume", "run " + id + " has no rows in " + tables.dir() + "; a run "
          + "resumes into the directory that holds its rows: give the --out it ran with");
    }
    RunStatus ended = RunStatus.of(trace.status());
    if (ended != null && ended.finished()) {
      throw new JobException(spec.name(), "--resume", "run " + id + " already " + ended.label() + " in "
          + tables.dir() + "; nothing to resume (--force runs it again from the start)");
    }
    ResumePoint point = new ResumePoint(jsc(spark), spec.checkpointDir(), id);
    long next = point.latest();
    if (next < 0) {
      throw new JobException(spec.name(), "--resume", "run " + id + " has no resume point in " + point.location()
          + "; it is written every checkpoint_every iterations of a run with checkpoint_dir");
    }
    long before = tables.read(Table.ITERATIONS).filter(functions.col("run_id").equalTo(id)
        .and(functions.col("iteration").lt(next))).count();
    if (before != next) {
      throw new JobException(spec.name(), "--resume", tables.dir() + " holds " + before + " of the " + next
          + " rows of run " + id + " before its resume point at iteration " + next + "; resume into the "
          + "directory the run wrote, or run it again without --resume");
    }
    return new Decision(spec, Start.RESUME, next, true, "resuming " + id + " at iteration " + next + " ("
        + before + " rows kept) from " + point.location());
  }

  /**
   * Runs one decided run into the directory: deletes what the decision says, runs the engine, writes the rows
   * as they come (every {@code flush_every}) and the record at the end. A failed run's record is written, then
   * its error raised.
   */
  public static RunStatus execute(SparkSession spark, MetricsTables tables, Decision d, String progressLabel,
      PrintWriter err) throws IOException {
    JobSpec spec = d.spec();
    String start = Instant.now().toString();
    // what can fail before the run (the model's data, f*) fails before anything of an earlier run is deleted
    Driver driver = new Driver(spec);
    driver.withOptimum(Optimum.of(spark, driver.model()));
    if (d.start() == Start.RESUME) { // the resume point's data (an image folder's listing) before any row goes
      driver.checkData(new ResumePoint(jsc(spark), spec.checkpointDir(), spec.runId()).driverState(d.from()));
    }
    if (d.clear()) {
      clear(tables, List.of(spec.runId()), d.start() == Start.RESUME ? d.from() : 0);
    }
    if (d.note() != null) {
      err.println(d.note());
      err.flush();
    }
    MetricsStore store = new MetricsStore(tables, spec.flushEvery());
    driver.onCheckpoint(store::flush);
    driver.onWorkerRows(store::addWorker);
    if (d.start() == Start.RESUME) {
      driver.resumeAt(d.from());
    }
    Progress progress = new Progress(err, progressLabel, spec.iterations());
    Ended ended = run(Engine.of(spec.engine(), jsc(spark)), driver, row -> {
      store.add(row);
      progress.update(row.iteration() + 1, row.trainLoss());
    });
    RunStatus status = ended.status() == RunStatus.COMPLETED && d.start() == Start.RESUME ? RunStatus.RESUMED
        : ended.status();
    RuntimeException error = ended.error();
    try {
      store.flush();
    } catch (Exception e) { // the output broke (Spark and Delta throw I/O errors undeclared): it did not finish
      status = RunStatus.FAILED;
      error = error == null ? unchecked(e) : error;
    }
    progress.finish(status.label());
    store.record(record(spec, driver.byzantineIds(), Versions.describe(spark), Versions.gitCommit(), start,
        Instant.now().toString(), status, driver.optimum(), describe(error)));
    if (status == RunStatus.INTERRUPTED) {
      err.println("interrupted (SIG" + Interrupts.signal() + "): run " + spec.runId() + " stopped; its rows are in "
          + tables.dir() + ". " + (resumable(spec) ? "Continue it with --resume " + spec.runId()
          + " (train, the same job file and --out)"
          : "Running the job again starts it over (resume needs engine: spark and a checkpoint_dir)"));
      err.flush();
    }
    if (error != null) { // a run that failed is exit 1, whatever the exception (2 is for bad input)
      throw error instanceof IllegalArgumentException ? new IllegalStateException(describe(error), error) : error;
    }
    return status;
  }

  /**
   * Runs an engine to the end of a run; an exception ends it {@link RunStatus#FAILED} with that error (the
   * caller records it), whatever the engine.
   */
  public static Ended run(Engine engine, Driver driver, Consumer<IterationRow> sink) {
    try {
      return new Ended(engine.run(driver, sink), null);
    } catch (Exception e) { // Spark and Delta throw checked exceptions (I/O) without declaring them
      return new Ended(RunStatus.FAILED, unchecked(e));
    }
  }

  /**
   * The exception itself when unchecked, else wrapped with its class and message as the message; a task's device
   * error ({@link DeviceBinding.DeviceError}) out of Spark's job failure, so that the user reads its one line.
   */
  private static RuntimeException unchecked(Exception e) {
    DeviceBinding.DeviceError device = DeviceBinding.DeviceError.of(e);
    if (device != null) {
      return device;
    }
    return e instanceof RuntimeException r ? r : new IllegalStateException(describe(e), e);
  }

  /** Deletes the runs' records and their rows from iteration {@code from} on: one transaction per table. */
  public static void clear(MetricsTables tables, List<String> runIds, long from) throws IOException {
    if (from == 0) {
      tables.delete(Table.RUNS, runIds, 0);
    }
    tables.delete(Table.WORKERS, runIds, from);
    tables.delete(Table.ITERATIONS, runIds, from);
  }

  /** The runs/ row of a run that ended. */
  public static RunRecord record(JobSpec spec, int[] byzantineIds, String versions, String commit, String start,
      String end, RunStatus status, double optimum, String error) {
    return new RunRecord(spec.runId(), spec.name(), spec.json(), spec.seed(),
        Arrays.stream(byzantineIds).mapToObj(Integer::toString).collect(Collectors.joining(",")), spec.engine().label(),
        versions, commit, start, end, status.label(), Double.isNaN(optimum) ? null : optimum,
        error);
  }

  /**
   * A failed run's error as its record keeps it: the exception's class and its message's first line; a task's
   * device error itself rather than Spark's job failure around it.
   */
  static String describe(Throwable error) {
    Throwable e = error == null || DeviceBinding.DeviceError.of(error) == null ? error
        : DeviceBinding.DeviceError.of(error);
    return e == null ? null : e.getClass().getSimpleName() + ": " + org.signsgd.spec.Echo.firstLine(e.getMessage());
  }

  /** Whether a run of this job can continue from a resume point: the Spark engine with a checkpoint_dir. */
  static boolean resumable(JobSpec spec) {
    return spec.checkpointDir() != null && spec.engine() == EngineKind.SPARK;
  }

  private static JobSpec resumable(List<JobSpec> specs, String runId) {
    JobSpec spec = specs.stream().filter(s -> s.runId().equals(runId)).findFirst().orElseThrow(() ->
        new JobException(specs.get(0).name(), "--resume", "no run " + runId + " in this job; its runs are "
            + specs.stream().map(JobSpec::runId).limit(10).toList() + (specs.size() > 10 ? " ..." : "")));
    if (!resumable(spec)) {
      throw new JobException(spec.name(), "--resume", "run " + runId + " cannot resume: it needs engine: spark "
          + "and a checkpoint_dir (set them, run, and resume with the same settings)");
    }
    return spec;
  }

  /** The iteration the run's last resume point continues at; -1 when there is none. */
  private static long latestPoint(SparkSession spark, JobSpec spec) throws IOException {
    return resumable(spec) ? new ResumePoint(jsc(spark), spec.checkpointDir(), spec.runId()).latest() : -1;
  }

  private static JavaSparkContext jsc(SparkSession spark) {
    return JavaSparkContext.fromSparkContext(spark.sparkContext());
  }
}
