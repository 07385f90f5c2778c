package org.signsgd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.data.MnistFixture;
import org.signsgd.train.SparkSessions;
import picocli.CommandLine;

/**
 * jobs/elmhamdi-mnist-quick.yaml end to end on 2 cores, as a user runs it: the sweep (46 runs of 51 workers),
 * then seed 003's canned analysis over its output.
 */
class ElmhamdiQuickGridTest {
  @TempDir
  Path dir;

  private String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    int code = cmd.execute(args);
    return new String[] {Integer.toString(code), out.toString(), err.toString()};
  }

  @Test
  void quickGridRunsAndTheRecoveryQueryReadsIt() {
    Path out = dir.resolve("quick");
    String[] sweep = run("sweep", "jobs/elmhamdi-mnist-quick.yaml", "--out", out.toString(), "--set",
        "data.dir=" + MnistFixture.dir(), "--master", "local[2]");
    assertThat(sweep[0]).as(sweep[2]).isEqualTo("0");
    assertThat(sweep[1]).contains("sweep: 46 ran, 0 skipped");

    String[] table = run("analyze", "--metrics", out.toString(), "--query", "momentum-recovery", "--format",
        "csv", "--master", "local[2]");
    assertThat(table[0]).as(table[2]).isEqualTo("0");
    System.out.println(table[1]);
    List<String> rows = table[1].strip().lines().skip(1).toList();
    // 11 GAR-f pairs x 2 attacks, each with a run at the server and at the workers, against its baseline
    assertThat(rows).hasSize(22).allSatisfy(r -> assertThat(r).startsWith("mnist,0.5,false,"));
    List<Row> metrics = SparkSessions.get("local[2]").read().parquet(out.resolve("iterations").toString())
        .selectExpr("COUNT(*)", "COUNT(test_accuracy)", "COUNT(variance_norm_ratio)",
            "COUNT(variance_norm_ratio_sampled)", "COUNT(cosine_to_reference)").collectAsList();
    System.out.println(metrics);
  }
}
