package org.signsgd.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.signsgd.job.GridExpansion;
import org.signsgd.job.JobFile;
import org.signsgd.job.JobSpec;
import org.signsgd.train.Sessions;
import org.signsgd.metrics.OutputDir;
import org.signsgd.train.Interrupts;
import org.signsgd.train.RunStatus;
import org.signsgd.train.Training;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code train JOB.yaml [--set k=v]... [--out DIR] [--master URL] [--resume RUN_ID]}. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Runs a job file (every run of its grid) and writes its metrics (Delta Lake tables of Parquet files), plots and report.")
public final class TrainCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "JOB.yaml", description = "the job file, e.g. jobs/quickstart.yaml")
  Path job;

  @Option(names = "--set", paramLabel = "key.path=value", description = "override a setting, e.g. iterations=50")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--out", paramLabel = "DIR",
      description = "output directory: a path or a Hadoop URI (hdfs://, s3a://, file:); default: runs/<job name>")
  String out;

  @Option(names = "--max-runs", paramLabel = "N",
      description = "the most runs the job's grid may make (default: ${DEFAULT-VALUE})")
  int maxRuns = GridExpansion.DEFAULT_MAX_RUNS;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark-submit's, else local[*])")
  String master;

  @Option(names = "--resume", paramLabel = "RUN_ID",
      description = "continue this unfinished run of the job, in the --out that holds it, from its last resume "
          + "point (needs engine: spark and checkpoint_dir)")
  String resume;

  @Option(names = "--no-report", description = "do not draw plots/ and index.html at the end (plot --metrics "
      + "DIR draws them later; a driver on a cluster has better things to do)")
  boolean noReport;

  @Option(names = "--force", description = "run again the runs already finished in --out (their rows and "
      + "records are replaced); without it they are skipped")
  boolean force;

  @Override
  public Integer call() throws Exception {
    if (force && resume != null) {
      throw new IllegalArgumentException("--force and --resume: choose one (--force starts finished runs over, "
          + "--resume continues an unfinished one)");
    }
    List<JobSpec> runs = JobFile.load(job, overrides, maxRuns);
    String location = out != null ? out : "runs/" + runs.get(0).name();
    Training.requireWritable(OutputDir.of(location, new org.apache.hadoop.conf.Configuration()), job.toString());
    String m = master != null ? master : Sessions.defaultMaster("local[*]");
    DriverCollect.refuse(runs, job.toString());
    LocalMemory.require(runs, job.toString(), m, 1);
    LocalGpu.refuse(runs, job.toString(), m, true);
    SparkSession spark = Sessions.start(m);
    try {
      // from here on with Spark's Hadoop settings (spark.hadoop.*: credentials, endpoints)
      OutputDir dir = OutputDir.of(location, spark.sparkContext().hadoopConfiguration());
      Interrupts.install();
      Training.Outcome o = Training.run(spark, runs, dir, spec.commandLine().getErr(),
          new Training.Request(force, resume));
      var w = spec.commandLine().getOut();
      w.println("metrics (Parquet): " + o.iterations());
      w.println("runs (Parquet):    " + o.runs());
      if (Interrupts.requested()) { // stop now: the report can be drawn later
        w.println("report (HTML):     not drawn after the interruption; plot --metrics " + dir + " draws it");
        w.flush();
        return Interrupts.exitCode();
      }
      w.println("plots (PNG):       " + o.plots());
      w.println("report (HTML):     " + (noReport ? "not drawn (--no-report); plot --metrics " + dir + " draws it"
          : org.signsgd.analysis.Report.write(spark, dir)));
      w.println("query them:        submit/local.sh analyze --metrics " + dir
          + " --sql \"SELECT run_id, MAX(iteration), MIN(train_loss) FROM iterations GROUP BY run_id\"");
      w.flush();
      return o.status().values().stream().allMatch(RunStatus::finished) ? 0 : 1;
    } finally {
      spark.stop();
      Interrupts.uninstall();
    }
  }
}
