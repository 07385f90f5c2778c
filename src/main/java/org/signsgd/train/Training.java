package org.signsgd.train;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.signsgd.job.JobException;
import org.signsgd.job.JobSpec;
import org.signsgd.metrics.MetricsStore;
import org.signsgd.metrics.OutputDir;
import org.signsgd.metrics.RunRecord;

/** Runs every run of a job into one output directory and writes its metrics and plot. */
public final class Training {
  /** Where the outputs went, and how each run ended. */
  public record Outcome(String iterations, String runs, String plots, Map<String, String> status) {}

  private Training() {}

  /** Fails with a one-line {@link JobException} when {@code out} cannot be written (before any Spark work). */
  public static void requireWritable(OutputDir out, String file) {
    try {
      out.requireWritable();
    } catch (IOException | RuntimeException e) {
      throw new JobException(file, "--out", "the output directory " + out + " is not writable ("
          + e.getClass().getSimpleName() + "); choose another with --out DIR");
    }
  }

  public static Outcome run(SparkSession spark, List<JobSpec> specs, OutputDir out, PrintWriter err)
      throws IOException {
    return run(spark, specs, out, err, null);
  }

  /**
   * @param resumeRunId null, or the run to continue from its last resume point ({@code train --resume}): only
   *     that run of the job runs, its rows from the resume point on are replaced, and its status is
   *     {@code resumed}
   */
  public static Outcome run(SparkSession spark, List<JobSpec> specs, OutputDir out, PrintWriter err,
      String resumeRunId) throws IOException {
    if (resumeRunId != null) {
      specs = List.of(resumable(specs, resumeRunId));
    }
    Map<String, String> status = new LinkedHashMap<>();
    MetricsStore store = null;
    for (int k = 0; k < specs.size(); k++) {
      JobSpec spec = specs.get(k);
      store = new MetricsStore(spark, out, spec.flushEvery());
      String start = Instant.now().toString();
      Driver driver = new Driver(spec);
      driver.withOptimum(Optimum.of(spark, driver.model()));
      MetricsStore flushing = store;
      driver.onCheckpoint(flushing::flush);
      driver.onWorkerRows(flushing::addWorker);
      if (resumeRunId != null) {
        ResumePoint point = new ResumePoint(JavaSparkContext.fromSparkContext(spark.sparkContext()),
            spec.checkpointDir(), spec.runId());
        long next = point.latest();
        if (next < 0) {
          throw new JobException(spec.name(), "--resume", "run " + resumeRunId + " has no resume point in "
              + point.location() + "; it is written every checkpoint_every iterations of a run with checkpoint_dir");
        }
        long kept = store.truncate(spec.runId(), next);
        err.println("resuming " + spec.runId() + " at iteration " + next + " (" + kept + " rows kept) from "
            + point.location());
        driver.resumeAt(next);
      }
      Engine engine = spec.engine().equals("inprocess") ? new InProcessEngine()
          : new SparkEngine(JavaSparkContext.fromSparkContext(spark.sparkContext()));
      Progress progress = new Progress(err, "[run " + (k + 1) + "/" + specs.size() + " " + label(spec) + "]",
          spec.iterations());
      MetricsStore sink = store;
      String result = engine.run(driver, row -> {
        sink.add(row);
        progress.update(row.iteration() + 1, row.trainLoss());
      });
      progress.finish(result);
      if (resumeRunId != null && result.equals("completed")) {
        result = "resumed";
      }
      double optimum = driver.optimum();
      store.addRun(record(spec, driver.byzantineIds(), Versions.describe(spark), Versions.gitCommit(), start,
          Instant.now().toString(), result, optimum));
      status.put(spec.runId(), result);
    }
    // the plots are the report's (TrainCommand), drawn from the Parquet rows: a resumed run's curves are whole
    return new Outcome(out.display("iterations"), out.display("runs"), out.display("plots"), status);
  }

  /** The runs/ row of a finished run. */
  static RunRecord record(JobSpec spec, int[] byzantineIds, String versions, String commit, String start,
      String end, String status, double optimum) {
    return new RunRecord(spec.runId(), spec.name(), spec.json(), spec.seed(),
        Arrays.stream(byzantineIds).mapToObj(Integer::toString).collect(Collectors.joining(",")), spec.engine(),
        versions, commit, start, end, status, Double.isNaN(optimum) ? null : optimum);
  }

  private static JobSpec resumable(List<JobSpec> specs, String runId) {
    JobSpec spec = specs.stream().filter(s -> s.runId().equals(runId)).findFirst().orElseThrow(() ->
        new JobException(specs.get(0).name(), "--resume", "no run " + runId + " in this job; its runs are "
            + specs.stream().map(JobSpec::runId).toList()));
    if (spec.checkpointDir() == null || !spec.engine().equals("spark")) {
      throw new JobException(spec.name(), "--resume", "run " + runId + " cannot resume: it needs engine: spark "
          + "and a checkpoint_dir (set them, run, and resume with the same settings)");
    }
    return spec;
  }

  /** A short label for legends and progress: algorithm, attack, B. */
  static String label(JobSpec spec) {
    return spec.algorithm() + " " + spec.attack().name() + " B=" + spec.byzantine() + " batch=" + spec.batchSize()
        .label();
  }
}
