package org.signsgd.cli;

import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.signsgd.analysis.Report;
import org.signsgd.metrics.OutputDir;
import org.signsgd.train.Sessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code plot --metrics DIR [--out DIR]}: draws the curves of a metrics directory and writes its index.html report. */
@Command(name = "plot", mixinStandardHelpOptions = true,
    description = "Draws plots/*.png of a metrics directory and writes its index.html report.")
public final class PlotCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--metrics", required = true, paramLabel = "DIR",
      description = "a train/sweep output directory: a path or a Hadoop URI")
  String metrics;

  @Option(names = "--out", paramLabel = "DIR",
      description = "where plots/ and index.html go (default: the metrics directory)")
  String out;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark-submit's, else local[*])")
  String master;

  @Override
  public Integer call() throws Exception {
    // before Spark starts: bad input is one line, fast (other file systems may need Spark's Hadoop settings)
    Report.requireMetrics(OutputDir.of(metrics, new org.apache.hadoop.conf.Configuration()), "--metrics " + metrics);
    if (out != null && (out.startsWith("file:") || !out.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*"))) {
      requireWritable(OutputDir.of(out, new org.apache.hadoop.conf.Configuration()));
    }
    SparkSession spark = Sessions.start(master != null ? master : Sessions.defaultMaster("local[*]"));
    try {
      OutputDir dir = OutputDir.of(metrics, spark.sparkContext().hadoopConfiguration());
      OutputDir target = out == null ? dir : OutputDir.of(out, spark.sparkContext().hadoopConfiguration());
      requireWritable(target);
      String index = Report.write(spark, dir, target);
      var w = spec.commandLine().getOut();
      w.println("plots (PNG):   " + target.display("plots"));
      w.println("report (HTML): " + index);
      w.flush();
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** An output directory that cannot be written (a regular file, no permission) is bad input: exit 2. */
  private void requireWritable(OutputDir target) {
    try {
      target.requireWritable();
    } catch (java.io.IOException | RuntimeException e) {
      throw new IllegalArgumentException("--out " + org.signsgd.spec.Echo.of(out) + ": the output directory is not "
          + "writable (" + e.getClass().getSimpleName() + "); choose another with --out DIR");
    }
  }
}
