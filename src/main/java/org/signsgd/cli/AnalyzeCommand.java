package org.signsgd.cli;

import org.signsgd.metrics.OutputDir;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import java.util.stream.Stream;
import org.signsgd.analysis.Output;
import org.signsgd.analysis.Views;
import org.signsgd.metrics.MetricsTables;
import org.signsgd.metrics.Table;
import org.signsgd.train.Sessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code analyze --metrics DIR (--query NAME | --sql "SQL") [--format table|csv|json]} or {@code analyze --list} over the views runs,
 * iterations and workers.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
    description = "Runs a canned query (--query) or any Spark SQL (--sql) over a metrics directory (views: runs, "
        + "iterations, workers).")
public final class AnalyzeCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--metrics", paramLabel = "DIR",
      description = "a train/sweep output directory: a path or a Hadoop URI (hdfs://, s3a://, file:)")
  String metrics;

  @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
  Query query;

  /** Exactly one of --query, --sql and --list. */
  static final class Query {
    @Option(names = "--list", description = "print the canned queries with the meaning of each column")
    boolean list;

    @Option(names = "--query", paramLabel = "NAME", description = "a canned query: ${sys:signsgd.queries}")
    String name;

    @Option(names = "--sql", paramLabel = "SQL",
        description = "any Spark SQL query over the views (read only: SELECT, WITH, SHOW, DESCRIBE, EXPLAIN)")
    String sql;
  }

  static {
    System.setProperty("signsgd.queries", String.join(", ", org.signsgd.analysis.CannedQueries.names()));
  }

  @Option(names = "--format", paramLabel = "FORMAT", description = "table (default), csv or json")
  Output.Format format = Output.Format.table;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark-submit's, else local[*])")
  String master;

  @Override
  public Integer call() throws java.io.IOException {
    if (query.list) {
      var w = spec.commandLine().getOut();
      for (String name : org.signsgd.analysis.CannedQueries.names()) {
        var q = org.signsgd.analysis.CannedQueries.get(name);
        w.println(q.name() + ": " + q.description());
        q.columns().forEach(c -> w.println("    " + c));
      }
      w.flush();
      return 0;
    }
    if (metrics == null) {
      throw new IllegalArgumentException("analyze: --metrics DIR is missing; give the --out directory of a train "
          + "or sweep");
    }
    String sql = query.sql != null ? query.sql : org.signsgd.analysis.CannedQueries.get(query.name).sql();
    OutputDir dir = OutputDir.of(metrics, new org.apache.hadoop.conf.Configuration());
    if (Stream.of(Table.values()).noneMatch(t -> exists(dir, t))) {
      throw new IllegalArgumentException("--metrics " + metrics + " holds no metrics (no runs/ or iterations/ "
          + "directory); give the --out directory of a train run");
    }
    if (query.sql != null) {
      Views.requireReadOnly(sql); // before Spark starts: a refused statement is one line, fast
    }
    SparkSession spark = Sessions.start(master != null ? master : Sessions.defaultMaster("local[*]"));
    try {
      List<String> views = Views.register(spark, new MetricsTables(spark, dir));
      Dataset<Row> result;
      try {
        result = spark.sql(sql);
      } catch (Exception e) {
        // Spark throws AnalysisException (a checked exception it does not declare) for unknown columns,
        // tables and syntax errors.
        if (!(e instanceof org.apache.spark.sql.AnalysisException)) {
          throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
        throw new IllegalArgumentException((query.sql != null ? "--sql: " : "--query " + query.name + ": ")
            + org.signsgd.spec.Echo.firstLine(e.getMessage()) + "; views: " + describe(spark, views));
      }
      Output.print(result, format, spec.commandLine().getOut());
      return 0;
    } finally {
      spark.stop();
    }
  }

  private static boolean exists(OutputDir dir, Table t) {
    try {
      return dir.exists(t.dir());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String describe(SparkSession spark, List<String> views) {
    StringBuilder b = new StringBuilder();
    for (String v : views) {
      b.append(v).append('(').append(String.join(", ", spark.table(v).columns())).append(") ");
    }
    return b.toString().trim();
  }
}
