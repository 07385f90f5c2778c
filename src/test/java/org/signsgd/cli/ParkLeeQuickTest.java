package org.signsgd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.data.MnistFixture;
import org.signsgd.train.SparkSessions;
import picocli.CommandLine;

/**
 * Seed 002's claim at reduced scale (jobs/park-lee-mnist-quick.yaml, L = 6 of M = 15 under sign inversion):
 * signSGD-FD learns to use the inverted workers (negative weights in workers/) and tests better than the
 * plain majority vote at every evaluation after the first rounds.
 */
class ParkLeeQuickTest {
  @TempDir
  Path dir;

  @Test
  void federatedDefenseBeatsTheVoteUnderSignInversion() {
    Path out = dir.resolve("pl");
    StringWriter err = new StringWriter();
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(new StringWriter()));
    cmd.setErr(new PrintWriter(err));
    int code = cmd.execute("sweep", "jobs/park-lee-mnist-quick.yaml", "--out", out.toString(),
        "--set", "data.dir=" + MnistFixture.dir(), "--set", "grid.byzantine=[6]",
        "--set", "grid.attack=[{name: sign-inversion}]", "--master", "local[2]", "--no-report");
    assertThat(code).as(err.toString()).isZero();

    SparkSession spark = SparkSessions.get("local[2]");
    spark.read().format("delta").load(out.resolve("iterations").toString()).createOrReplaceTempView("pl_it");
    spark.read().format("delta").load(out.resolve("workers").toString()).createOrReplaceTempView("pl_w");
    List<Row> acc = spark.sql("SELECT iteration, MAX(CASE WHEN aggregator = 'sign-fd' THEN test_accuracy END), "
        + "MAX(CASE WHEN aggregator = 'majority-vote' THEN test_accuracy END) FROM pl_it "
        + "WHERE test_accuracy IS NOT NULL GROUP BY iteration ORDER BY iteration").collectAsList();
    assertThat(acc).extracting(r -> r.getLong(0)).containsExactly(0L, 20L, 40L, 60L, 80L, 100L, 119L);
    for (Row r : acc.subList(3, acc.size())) {
      assertThat(r.getDouble(1)).as("iteration %d: sign-fd over majority-vote", r.getLong(0))
          .isGreaterThan(r.getDouble(2) + 0.02);
    }
    // workers/: 15 rows per iteration; from round 1 FD weighs the 6 inverted workers negatively on average,
    // the 9 honest ones positively; the vote weighs everyone 1
    List<Row> w = spark.sql("SELECT i.aggregator, w.byzantine, COUNT(*), MAX(w.weight), MIN(w.weight), "
        + "AVG(w.agreement), AVG(w.weight), AVG(CASE WHEN w.weight < 0 THEN 1D ELSE 0D END) FROM pl_w w JOIN (SELECT DISTINCT run_id, aggregator FROM pl_it) i USING (run_id) "
        + "WHERE w.iteration >= 1 GROUP BY 1, 2 ORDER BY 1, 2").collectAsList();
    assertThat(w).hasSize(4);
    assertThat(w.get(0).getLong(2)).isEqualTo(119 * 9);
    assertThat(w.get(0).getDouble(3)).isEqualTo(1.0);
    assertThat(w.get(1).getDouble(4)).isEqualTo(1.0);
    assertThat(w.get(2).getString(0)).isEqualTo("sign-fd");
    assertThat(w.get(2).getDouble(6)).as("honest FD weights").isGreaterThan(0.5);
    assertThat(w.get(3).getDouble(6)).as("inverted FD weights").isLessThan(-0.5);
    assertThat(w.get(2).getDouble(7)).as("honest worker-rounds weighed negatively").isLessThan(0.05);
    assertThat(w.get(3).getDouble(7)).as("inverted worker-rounds weighed negatively").isGreaterThan(0.95);
    assertThat(w.get(3).getLong(2)).isEqualTo(119 * 6);
    // the inverted workers disagree with FD's direction more than the honest ones
    assertThat(w.get(3).getDouble(5)).isLessThan(w.get(2).getDouble(5) - 0.2);
  }
}
