package org.signsgd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.data.MnistFixture;
import org.signsgd.train.SparkSessions;

/**
 * jobs/elmhamdi-mnist-quick.yaml end to end on 2 cores, as a user runs it: the sweep (46 runs of 51 workers),
 * then seed 003's canned analysis over its output. The runs stop after 9 of the file's 20 steps
 * ({@code --set iterations=9}: every configuration of the grid, under half the CPU); ShippedJobsTest checks the
 * file's 46 runs of 20 steps. The first steps train the same either way (checked for the first 10: their 460
 * rows' losses and ratios are equal).
 */
class ElmhamdiQuickGridTest {
  /**
   * Steps per run: the fewest at which the baselines' and Fall of Empires' bounds below hold. The baselines' test
   * accuracy (seed 1, 27 and 39 honest workers) at steps 0-9: 0.14, 0.64/0.62, 0.72/0.72, 0.67/0.67, 0.63/0.65,
   * 0.67/0.75, 0.72/0.68, 0.70/0.76, 0.78/0.83, 0.83/0.81: evaluated at steps 0, 5 and the last, a run of 8 steps
   * would end at 0.70 for 27 workers, one of 9 at 0.78.
   */
  private static final int ITERATIONS = 9;

  @TempDir
  Path dir;

  private String[] run(String... args) {
    return Cli.run(args).asArray();
  }

  @Test
  void quickGridRunsAndTheRecoveryQueryReadsIt() {
    Path out = dir.resolve("quick");
    String[] sweep = run("sweep", "jobs/elmhamdi-mnist-quick.yaml", "--out", out.toString(), "--set",
        "data.dir=" + MnistFixture.dir(), "--set", "iterations=" + ITERATIONS, "--master", "local[2]",
        "--no-report"); // the queries below read the tables; SweepCommandTest and PaperFiguresTest check reports
    assertThat(sweep[0]).as(sweep[2]).isEqualTo("0");
    assertThat(sweep[1]).contains("sweep: 46 ran, 0 skipped");

    String[] table = run("analyze", "--metrics", out.toString(), "--query", "momentum-recovery", "--format",
        "csv", "--master", "local[2]");
    assertThat(table[0]).as(table[2]).isEqualTo("0");
    List<String> rows = table[1].strip().lines().skip(1).toList();
    // 11 GAR-f pairs x 2 attacks, each with a run at the server and at the workers, against its baseline
    assertThat(rows).hasSize(22).allSatisfy(r -> assertThat(r).startsWith("mnist,0.5,false,"));
    // both unattacked baselines (27 and 39 honest workers) learn within 9 steps: from 0.14 at step 0 (the
    // initial network, every run's) to over 0.75 (seed 1: 0.78 and 0.83 at step 8; 0.91 at step 19 of the full 20)
    assertThat(rows).allSatisfy(r -> assertThat(Double.parseDouble(r.split(",")[7])).isGreaterThan(0.75));
    // Fall of Empires beats Krum with momentum at the server (seed 1: 0.14, the initial network's, against 0.78;
    // 0.14 against 0.91 at 20 steps), and momentum at the workers does not save it (0.14 there too)
    assertThat(rows).filteredOn(r -> r.contains(",krum,24,fall-of-empires,")).singleElement()
        .satisfies(r -> assertThat(r).endsWith(",true,false"));

    String[] summary = run("analyze", "--metrics", out.toString(), "--query", "momentum-recovery-summary",
        "--format", "csv", "--master", "local[2]");
    assertThat(summary[0]).as(summary[2]).isEqualTo("0");
    assertThat(summary[1].strip().lines().skip(1).toList()).hasSize(2)
        .allSatisfy(r -> assertThat(r).matches("(mnist|all),22,[1-9][0-9]*,[0-9]+,0?\\.?[0-9.]*"));

    // every iteration has its dense metrics; test accuracy every 5 steps and at the end: steps 0, 5 and 8
    Row counts = SparkSessions.get("local[2]").read().format("delta").load(out.resolve("iterations").toString())
        .selectExpr("COUNT(*)", "COUNT(test_accuracy)", "COUNT(variance_norm_ratio)",
            "COUNT(variance_norm_ratio_sampled)", "COUNT(cosine_to_reference)").collectAsList().get(0);
    assertThat(List.of(counts.getLong(0), counts.getLong(1), counts.getLong(2), counts.getLong(3),
        counts.getLong(4))).containsExactly(46L * ITERATIONS, 46L * 3,
        46L * ITERATIONS, 46L * ITERATIONS, 46L * ITERATIONS);
    // with momentum at the server the server receives the sampled gradients: one ratio; at the workers it
    // receives momentum vectors, whose ratio differs (SampledRatioTest checks the sampled one against the truth)
    var spark = SparkSessions.get("local[2]");
    spark.read().format("delta").load(out.resolve("iterations").toString()).createOrReplaceTempView("it");
    spark.read().format("delta").load(out.resolve("runs").toString()).createOrReplaceTempView("rn");
    List<Row> same = spark.sql("SELECT get_json_object(r.job, '$.momentum.at') AS at, "
        + "SUM(CASE WHEN i.variance_norm_ratio = i.variance_norm_ratio_sampled THEN 1 ELSE 0 END), COUNT(*) "
        + "FROM it i JOIN rn r USING (run_id) WHERE i.iteration >= 1 GROUP BY 1 ORDER BY 1").collectAsList();
    assertThat(same).hasSize(2);
    assertThat(same.get(0).getString(0)).isEqualTo("server");
    assertThat(same.get(0).getLong(1)).isEqualTo(same.get(0).getLong(2));
    assertThat(same.get(1).getLong(1)).isZero();
  }
}
