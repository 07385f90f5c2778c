package org.signsgd.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.signsgd.bench.Bench;
import org.signsgd.bench.BenchRow;
import org.signsgd.train.Sessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench [--quick] [--master URL] [--mnist DIR]}: one table, measured in one run (see {@link Bench}). */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measures the vote kernel, gradients, iterations against their floor, bytes and Spark overhead.")
public final class BenchCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--quick", description = "small sizes and few repetitions (a smoke run, for CI)")
  boolean quick;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (default: spark-submit's, else local[2])")
  String master;

  @Option(names = "--mnist", paramLabel = "DIR",
      description = "MNIST idx files, for sections b, c, d, h and k (default: $SIGNSGD_DATA/mnist)")
  Path mnist;

  @Option(names = "--only", paramLabel = "SECTIONS", split = ",",
      description = "run only these sections, e.g. --only a,c (default: all of a-k; c and d run together;"
          + " k needs the Maven profile pytorch-peer)")
  List<String> only;

  @Option(names = "--server-d", paramLabel = "D",
      description = "section j's d (default: ResNet-50's 25,557,032; e.g. 2000000, where the driver path can still "
          + "collect a dense rule's messages and the two paths are compared)")
  Integer serverD;

  @Option(names = "--server-rules", paramLabel = "RULES", split = ",",
      description = "section j's rules (default: majority-vote, median, krum, bulyan, sign-fd)")
  List<String> serverRules;

  @Override
  public Integer call() throws Exception {
    java.util.Set<String> sections = only == null ? Bench.SECTIONS : new java.util.TreeSet<>(only);
    for (String s : sections) {
      if (!Bench.SECTIONS.contains(s)) {
        throw new IllegalArgumentException("bench: --only " + s + " is not a section; allowed: "
            + String.join(",", Bench.SECTIONS));
      }
    }
    if (only != null && sections.contains("k") && !Bench.peerAvailable()) {
      spec.commandLine().getErr().println("bench: " + org.signsgd.bench.FrameworkPeer.HOW_TO_ENABLE);
      return 2;
    }
    if (serverD != null && serverD < 1) {
      throw new IllegalArgumentException("bench: --server-d is " + serverD + "; allowed: an integer >= 1");
    }
    for (String rule : serverRules == null ? List.<String>of() : serverRules) {
      if (!org.signsgd.aggregate.Rules.names().contains(rule)) {
        throw new IllegalArgumentException("bench: --server-rules names '" + rule + "', not a rule; allowed: "
            + String.join(", ", org.signsgd.aggregate.Rules.names()) + " (submit/local.sh list rules)");
      }
    }
    Path data = mnist != null ? mnist : Path.of(System.getenv().getOrDefault("SIGNSGD_DATA", "data"), "mnist");
    if (sections.stream().anyMatch(Bench.NEEDS_MNIST::contains) && !org.signsgd.data.ImageDataset.present(data)) {
      throw new IllegalArgumentException("bench: no MNIST idx files in " + data.toAbsolutePath()
          + " (sections " + String.join(",", Bench.NEEDS_MNIST) + " read them); run datasets/fetch-mnist.sh, give"
          + " --mnist DIR, or leave those sections out with --only");
    }
    String m = master != null ? master : Sessions.defaultMaster("local[2]");
    // section j runs the driver path at ResNet-50's d too, which collects Q x 4d bytes of messages (2.76 GB at Q = 27):
    // past Spark's default 1 GB limit on a job's results, so the bench lifts it unless spark-submit set one
    SparkSession spark = Sessions.start(m, System.getProperty(MAX_RESULT_SIZE) != null ? java.util.Map.of()
        : java.util.Map.of(MAX_RESULT_SIZE, "0"));
    try {
      Bench bench = new Bench(spark, data.toAbsolutePath(), quick, spec.commandLine().getErr());
      if (serverD != null) {
        bench.serverDimension(serverD);
      }
      if (serverRules != null) {
        bench.serverRules(serverRules, true);
      }
      List<BenchRow> rows = bench.run(sections);
      var out = spec.commandLine().getOut();
      out.println("cpu: " + Cpu.model() + "; cores: " + Runtime.getRuntime().availableProcessors() + "; master: "
          + m + (quick ? "; --quick (sizes reduced)" : ""));
      out.printf(Locale.ROOT, "%-2s %-78s %12s %-3s %9s  %s%n", "", "measurement", "value", "", "ratio",
          "target");
      for (BenchRow r : rows) {
        out.printf(Locale.ROOT, "%-2s %-78s %12.3f %-3s %9s  %s%n", r.section(), r.what(), r.value(), r.unit(),
            Double.isNaN(r.ratio()) ? "" : String.format(Locale.ROOT, "%.4f", r.ratio()), r.target());
      }
      out.flush();
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** Spark's limit on the bytes of one job's task results the driver accepts ("0": none). */
  static final String MAX_RESULT_SIZE = "spark.driver.maxResultSize";

  /** The CPU's model name from /proc/cpuinfo, or the architecture. */
  static final class Cpu {
    private Cpu() {}

    static String model() {
      try {
        for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/cpuinfo"))) {
          if (line.startsWith("model name")) {
            return line.substring(line.indexOf(':') + 1).trim();
          }
        }
      } catch (java.io.IOException | RuntimeException e) {
        // fall through
      }
      return System.getProperty("os.arch");
    }
  }
}
