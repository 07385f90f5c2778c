package org.signsgd.train;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.signsgd.job.JobException;
import org.signsgd.job.JobSpec;
import org.signsgd.metrics.MetricsTables;
import org.signsgd.metrics.OutputDir;

/** Runs every run of a job into one output directory, one after another, through {@link RunLifecycle}. */
public final class Training {
  /** Where the outputs went, and how each run that ran ended (skipped runs are not in it). */
  public record Outcome(String iterations, String runs, String plots, Map<String, RunStatus> status) {}

  /** What the user asked of the runs already in the directory: nothing, {@code --force}, {@code --resume ID}. */
  public record Request(boolean force, String resumeRunId) {
    public static final Request NORMAL = new Request(false, null);
  }

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
    return run(spark, specs, out, err, Request.NORMAL);
  }

  /** Runs the job's runs as {@link RunLifecycle#decide} says; stops after a run that was interrupted. */
  public static Outcome run(SparkSession spark, List<JobSpec> specs, OutputDir out, PrintWriter err,
      Request request) throws IOException {
    MetricsTables tables = new MetricsTables(spark, out);
    tables.prepareForWriting().forEach(err::println);
    List<RunLifecycle.Decision> decisions = RunLifecycle.decide(spark, tables, specs, request.force(),
        request.resumeRunId());
    Map<String, RunStatus> status = new LinkedHashMap<>();
    for (int k = 0; k < decisions.size() && !Interrupts.requested(); k++) {
      RunLifecycle.Decision d = decisions.get(k);
      if (d.start() == RunLifecycle.Start.SKIP) {
        err.println(d.note());
        continue;
      }
      String label = "[run " + (k + 1) + "/" + decisions.size() + " " + label(d.spec()) + "]";
      status.put(d.spec().runId(), RunLifecycle.execute(spark, tables, d, label, err));
    }
    err.flush();
    // the plots are the report's (TrainCommand), drawn from the rows: a resumed run's curves are whole
    return new Outcome(out.display("iterations"), out.display("runs"), out.display("plots"), status);
  }

  /** A short label for legends and progress: algorithm, attack, B. */
  static String label(JobSpec spec) {
    return spec.algorithm() + " " + spec.attack().name() + " B=" + spec.byzantine() + " batch=" + spec.batchSize()
        .label();
  }
}
