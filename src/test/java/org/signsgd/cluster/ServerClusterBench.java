package org.signsgd.cluster;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.signsgd.bench.Bench;
import org.signsgd.bench.BenchRow;
import org.signsgd.train.Sessions;

/**
 * Not a test: the bench's section j (the server's work, driver against sharded) on the real standalone cluster of
 * the tests, a master and 2 workers with 1 core each started from the Maven classpath, so that the driver's heap is
 * its own. Run with the Java 17 flags (submit/java17-flags) and the test classpath
 * ({@code mvn -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt}):
 * {@code java -Xmx8g -cp target/classes:target/test-classes:$(cat target/test-classpath.txt)
 * org.signsgd.cluster.ServerClusterBench D WORKER_MEMORY [MODES [RULES]]} (e.g. {@code 25557032 9g sharded median}; MODES
 * is driver, sharded or both, RULES some of section j's rules, comma-separated; with RULES the Q sweep is left out). Every classpath entry must be absolute or the executors will not find it.
 */
public final class ServerClusterBench {
  private ServerClusterBench() {}

  public static void main(String[] args) throws Exception {
    int d = Integer.parseInt(args[0]);
    String memory = args.length > 1 ? args[1] : "4g";
    List<String> modes = args.length > 2 ? List.of(args[2].split(",")) : List.of("driver", "sharded");
    List<String> rules = args.length > 3 ? List.of(args[3].split(",")) : null;
    Path dir = Files.createTempDirectory("server-cluster-bench");
    try (StandaloneCluster cluster = new StandaloneCluster(dir, 2, 1, memory, memory)) {
      SparkSession.Builder b = SparkSession.builder().master(cluster.url()).appName("server-cluster-bench")
          .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config(Sessions.BROADCAST_BLOCK_SIZE, Sessions.BROADCAST_BLOCK); // as train's sessions have it
      cluster.applicationConf(false).forEach(b::config); // executors at work for minutes: C2
      SparkSession spark = b.getOrCreate();
      PrintWriter out = new PrintWriter(System.out, true);
      out.printf("driver heap limit (-Xmx): %.0f MB; the target for sharded runs: 3 x 4d + 256 MB = %.0f MB%n",
          Runtime.getRuntime().maxMemory() / 1e6, (3.0 * 4 * d + 256e6) / 1e6);
      try {
        for (BenchRow r : (rules == null ? new Bench(spark, dir, false, out) : new Bench(spark, dir, false, out)
            .serverRules(rules, false)).serverDimension(d).serverModes(modes)
            .run(Set.of("j"))) {
          out.printf("%s  %-70s %14.3f %-3s %8.4f%n", r.section(), r.what(), r.value(), r.unit(), r.ratio());
        }
      } finally {
        spark.stop();
      }
    }
  }
}
