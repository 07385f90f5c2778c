package org.signsgd.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.signsgd.job.GridExpansion;
import org.signsgd.job.JobFile;
import org.signsgd.job.JobSpec;
import org.signsgd.metrics.OutputDir;
import org.signsgd.train.Sessions;
import org.signsgd.train.Interrupts;
import org.signsgd.train.RunStatus;
import org.signsgd.train.Sweep;
import org.signsgd.train.Training;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code sweep GRID.yaml --out DIR [--set k=v]... [--parallel K] [--master URL]}: every run of the job's
 * {@code grid:} into one output directory (README, "Running jobs"); in-process runs go out as one Spark task
 * each, Spark-engine runs one after another ({@link Sweep}).
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
    description = "Runs every configuration of a grid into one output directory, skipping those already finished.")
public final class SweepCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "GRID.yaml", description = "a job file with a grid: (seeds included)")
  Path grid;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "the output directory (a path or a Hadoop URI); re-running skips its finished runs")
  String out;

  @Option(names = "--set", paramLabel = "key.path=value", description = "override a setting, e.g. iterations=50")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--parallel", paramLabel = "K",
      description = "in-process runs at a time, K >= 1 (default: the cluster's cores)")
  Integer parallel;

  @Option(names = "--force", description = "run the finished configurations again (their rows are replaced)")
  boolean force;

  @Option(names = "--max-runs", paramLabel = "N",
      description = "the most runs the job's grid may make (default: ${DEFAULT-VALUE})")
  int maxRuns = GridExpansion.DEFAULT_MAX_RUNS;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (default: spark-submit's, else local[*])")
  String master;

  @Option(names = "--no-report", description = "do not draw plots/ and index.html at the end (plot --metrics "
      + "DIR draws them later)")
  boolean noReport;

  @Override
  public Integer call() throws Exception {
    if (parallel != null && parallel < 1) {
      throw new IllegalArgumentException("--parallel " + parallel + "; allowed: K >= 1 (or leave it out for "
          + "every core)");
    }
    List<JobSpec> runs = JobFile.load(grid, overrides, maxRuns);
    Training.requireWritable(OutputDir.of(out, new org.apache.hadoop.conf.Configuration()), grid.toString());
    String m = master != null ? master : Sessions.defaultMaster("local[*]");
    DriverCollect.refuse(runs, grid.toString());
    LocalMemory.require(runs, grid.toString(), m, parallel);
    LocalGpu.refuse(runs, grid.toString(), m, false);
    SparkSession spark = Sessions.start(m);
    try {
      OutputDir dir = OutputDir.of(out, spark.sparkContext().hadoopConfiguration());
      Interrupts.install();
      Sweep.Outcome o = Sweep.run(spark, runs, dir, parallel == null ? 0 : parallel, force,
          spec.commandLine().getErr());
      var w = spec.commandLine().getOut();
      w.println("sweep: " + o.status().size() + " ran, " + o.skipped() + " skipped (already finished)");
      w.println("metrics (Parquet): " + dir.display("iterations"));
      w.println("runs (Parquet):    " + dir.display("runs"));
      if (Interrupts.requested()) { // stop now: the report can be drawn later
        w.println("report (HTML):     not drawn after the interruption; plot --metrics " + dir + " draws it");
        w.flush();
        return Interrupts.exitCode();
      }
      if (noReport) {
        w.println("report (HTML):     not drawn (--no-report); plot --metrics " + dir + " draws it");
      } else if (dir.exists("iterations")) {
        w.println("report (HTML):     " + org.signsgd.analysis.Report.write(spark, dir));
      }
      w.flush();
      return o.status().values().stream().allMatch(RunStatus::finished) ? 0 : 1;
    } finally {
      spark.stop();
      Interrupts.uninstall();
    }
  }
}
