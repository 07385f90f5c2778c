package org.signsgd.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.cli.Cli;
import org.signsgd.job.JobFile;
import org.signsgd.metrics.OutputDir;
import org.signsgd.train.RunStatus;
import org.signsgd.train.SparkSessions;
import org.signsgd.train.Sweep;

/**
 * {@code analyze --query worst-case} (ByzFL's comparison of defences) over hand-made metrics whose strongest
 * attack per defence is known: the ranking (diverged runs first, then the lowest mean final accuracy, ties to the
 * attack name first in text order), the baseline, the defence's parameters, a setting that is not a seed, the
 * Dirichlet α; the loss variant for an analytic model; the heatmap cells; and the report of a small sweep.
 */
class WorstCaseQueryTest {
  @TempDir
  Path dir;

  private static final StructType RUNS = new StructType().add("run_id", DataTypes.StringType)
      .add("job", DataTypes.StringType).add("status", DataTypes.StringType);
  private static final StructType ITERATIONS = new StructType().add("run_id", DataTypes.StringType)
      .add("iteration", DataTypes.LongType).add("algorithm", DataTypes.StringType)
      .add("aggregator", DataTypes.StringType).add("attack", DataTypes.StringType)
      .add("workers", DataTypes.IntegerType).add("byzantine", DataTypes.IntegerType)
      .add("batch_size", DataTypes.StringType).add("seed", DataTypes.LongType)
      .add("train_loss", DataTypes.DoubleType).add("gap", DataTypes.DoubleType)
      .add("test_accuracy", DataTypes.DoubleType);

  private final List<Row> runs = new ArrayList<>();
  private final List<Row> iterations = new ArrayList<>();

  /**
   * A run on MNIST (iid split unless alpha is given: Dirichlet) with its test accuracy at iterations 0, 5 and 9
   * (null: not evaluated); {@code rule} may carry a JSON parameter list: "krum\",\"neighbours\":2".
   */
  private void run(String id, String status, String rule, String params, String attack, int f, Double alpha,
      String momentumAt, long seed, Double... accuracy) {
    String data = alpha == null ? "{\"alpha\":0.5,\"name\":\"mnist\",\"split\":\"iid\"}"
        : "{\"alpha\":" + alpha + ",\"name\":\"mnist\",\"split\":\"dirichlet\"}";
    runs.add(RowFactory.create(id, "{\"aggregator\":{" + params + "\"name\":\"" + rule + "\"},\"attack\":{\"name\":\""
        + attack + "\"},\"byzantine\":" + f + ",\"data\":" + data + ",\"declared_byzantine\":" + f
        + ",\"eval_every\":5,\"momentum\":{\"at\":\"" + momentumAt + "\",\"beta\":0.9},\"name\":\"w\",\"seed\":" + seed
        + ",\"workers\":9}", status));
    long[] ts = {0, 5, 9};
    for (int i = 0; i < ts.length; i++) {
      iterations.add(RowFactory.create(id, ts[i], rule, rule, attack, 9, f, "16", seed, 1.0, null, accuracy[i]));
    }
  }

  private void run(String id, String rule, String attack, int f, long seed, Double... accuracy) {
    run(id, "completed", rule, "", attack, f, null, "worker", seed, accuracy);
  }

  private SparkSession views() {
    SparkSession spark = SparkSessions.get("local[2]");
    spark.createDataFrame(runs, RUNS).createOrReplaceTempView("runs");
    spark.createDataFrame(iterations, ITERATIONS).createOrReplaceTempView("iterations");
    return spark;
  }

  private static List<String> rows(SparkSession spark) {
    return spark.sql(CannedQueries.get("worst-case").sql()).collectAsList().stream()
        .map(r -> r.toSeq().mkString("|")).toList();
  }

  @Test
  void strongestAttackPerDefenceWithTiesBaselineAndDivergence() {
    // median, f = 1, two seeds per attack; the final value is the last evaluation, the best the highest
    run("m-alie-1", "median", "alie", 1, 1, 0.125, 0.875, 0.75);
    run("m-alie-2", "median", "alie", 1, 2, 0.125, 0.75, 0.5);
    // alie: final (0.75 + 0.5)/2 = 0.625, best (0.875 + 0.75)/2 = 0.8125
    run("m-gauss-1", "median", "gaussian", 1, 1, 0.125, 0.875, 0.5);
    run("m-gauss-2", "median", "gaussian", 1, 2, 0.125, 0.875, 0.25);
    // gaussian: final (0.5 + 0.25)/2 = 0.375, best (0.875 + 0.875)/2 = 0.875
    run("m-flip-1", "median", "sign-flip", 1, 1, 0.125, 0.625, 0.625);
    run("m-flip-2", "median", "sign-flip", 1, 2, 0.125, 0.5, null); // last evaluated at 5: final 0.5
    // sign-flip: final (0.625 + 0.5)/2 = 0.5625, best (0.625 + 0.5)/2 = 0.5625: the lowest best
    run("m-none-1", "median", "none", 1, 1, 0.125, 0.875, 0.875);
    run("m-none-2", "median", "none", 1, 2, 0.125, 0.75, 0.75);
    // no-attack baseline: (0.875 + 0.75)/2 = 0.8125
    // median, f = 3: alie and gaussian end equal (0.25 + 0.5)/2 = 0.375 = (0.5 + 0.25)/2: the tie goes to alie
    run("m3-alie-1", "median", "alie", 3, 1, 0.125, 0.25, 0.25);
    run("m3-alie-2", "median", "alie", 3, 2, 0.125, 0.5, 0.5);
    run("m3-gauss-1", "median", "gaussian", 3, 1, 0.125, 0.5, 0.5);
    run("m3-gauss-2", "median", "gaussian", 3, 2, 0.125, 0.25, 0.25);
    // Krum with two neighbour counts (squared: true in both, so it names neither), f = 1, one seed each
    run("k2-alie", "completed", "krum", "\"neighbours\":2,\"squared\":true,", "alie", 1, null, "worker", 1, 0.125,
        0.5, 0.5);
    run("k2-gauss", "completed", "krum", "\"neighbours\":2,\"squared\":true,", "gaussian", 1, null, "worker", 1,
        0.125, 0.25, 0.25);
    // neighbours 3: alie diverged (its last accuracy 0.5 is before the loss went non-finite), gaussian ends at
    // 0.125: the diverged attack is the worse one, by final and by best
    run("k3-alie", "diverged", "krum", "\"neighbours\":3,\"squared\":true,", "alie", 1, null, "worker", 1, 0.125,
        0.5, null);
    run("k3-gauss", "completed", "krum", "\"neighbours\":3,\"squared\":true,", "gaussian", 1, null, "worker", 1,
        0.125, 0.25, 0.125);
    // a failed run does not count
    run("k3-fail", "failed", "krum", "\"neighbours\":3,\"squared\":true,", "gaussian", 1, null, "worker", 2, 0.0,
        0.0, 0.0);
    SparkSession spark = views();

    assertThat(rows(spark)).containsExactly(
        // defence|f|alpha|setting|metric|worst_attack|final_mean|best_mean|seeds|diverged|attacks|
        // worst_best_attack|worst_best|no_attack_final
        "krum(neighbours=2)|1|null||test_accuracy|gaussian|0.25|0.25|1|0|2|gaussian|0.25|null",
        "krum(neighbours=3)|1|null||test_accuracy|alie|0.5|0.5|1|1|2|alie|0.5|null",
        "median|1|null||test_accuracy|gaussian|0.375|0.875|2|0|3|sign-flip|0.5625|0.8125",
        "median|3|null||test_accuracy|alie|0.375|0.375|2|0|2|alie|0.375|null");

    // the figure: one panel (nothing else varies), defences down, f across
    assertThat(PaperFigures.of(spark, null, "w").worstCaseCells()).containsExactly(
        new PaperFigures.Cell("", "", "f=1", "krum(neighbours=2)", 0.25),
        new PaperFigures.Cell("", "", "f=1", "krum(neighbours=3)", 0.5),
        new PaperFigures.Cell("", "", "f=1", "median", 0.375),
        new PaperFigures.Cell("", "", "f=3", "median", 0.375));
    // krum(neighbours=3)'s 0.5 is from before its run diverged: the caption says so
    assertThat(PaperFigures.of(spark, null, "w").worstCaseDiverged()).containsExactly(
        "krum(neighbours=3) f=1: 1 of 1 runs");
  }

  @Test
  void aSettingThatIsNotASeedIsNeverAveraged() {
    // momentum at the workers or at the server: two configurations of median under alie, not two seeds
    run("w-alie", "completed", "median", "", "alie", 1, null, "worker", 1, 0.125, 0.5, 0.5);
    run("s-alie", "completed", "median", "", "alie", 1, null, "server", 1, 0.125, 0.75, 0.75);
    run("w-gauss", "completed", "median", "", "gaussian", 1, null, "worker", 1, 0.125, 0.25, 0.25);
    run("s-gauss", "completed", "median", "", "gaussian", 1, null, "server", 1, 0.125, 0.875, 0.875);
    assertThat(rows(views())).containsExactly(
        "median|1|null|momentum.at=server|test_accuracy|alie|0.75|0.75|1|0|2|alie|0.75|null",
        "median|1|null|momentum.at=worker|test_accuracy|gaussian|0.25|0.25|1|0|2|gaussian|0.25|null");
  }

  @Test
  void aNestedRuleIsNamedByItsParameters() {
    // nnm over Krum with 2 or 3 neighbours: two defences, the inner rule shown without its JSON quotes
    for (int k = 2; k <= 3; k++) {
      String then = "\"then\":{\"name\":\"krum\",\"neighbours\":" + k + ",\"squared\":true},";
      run("n" + k + "-alie", "completed", "nnm", then, "alie", 1, null, "worker", 1, 0.125, 0.5, 0.25 * k);
      run("n" + k + "-gauss", "completed", "nnm", then, "gaussian", 1, null, "worker", 1, 0.125, 0.5, 0.5);
    }
    // neighbours 2: alie 0.5 ties gaussian 0.5, to alie; neighbours 3: alie 0.75 > gaussian 0.5; best = final
    assertThat(rows(views())).containsExactly(
        "nnm(then={name=krum,neighbours=2,squared=true})|1|null||test_accuracy|alie|0.5|0.5|1|0|2|alie|0.5|null",
        "nnm(then={name=krum,neighbours=3,squared=true})|1|null||test_accuracy|gaussian|0.5|0.5|1|0|2|gaussian|"
            + "0.5|null");
  }

  @Test
  void aPreAggregatorAlwaysNamesTheRuleItWraps() {
    // every nnm run wraps the same Krum: the defence still says which rule (nnm alone would hide it)
    String then = "\"then\":{\"name\":\"krum\",\"neighbours\":2,\"squared\":true},";
    run("n-alie", "completed", "nnm", then, "alie", 1, null, "worker", 1, 0.125, 0.5, 0.5);
    run("n-gauss", "completed", "nnm", then, "gaussian", 1, null, "worker", 1, 0.125, 0.25, 0.25);
    assertThat(rows(views())).containsExactly(
        "nnm(then={name=krum,neighbours=2,squared=true})|1|null||test_accuracy|gaussian|0.25|0.25|1|0|2|gaussian|"
            + "0.25|null");
  }

  @Test
  void dirichletAlphaGivesAnFByAlphaHeatmapPerDefence() {
    // mean under alie and gaussian, f ∈ {1, 3}, α ∈ {0.5, 10}: the worst final accuracy in each cell
    double[][] alie = {{0.5, 0.75}, {0.25, 0.625}}; // [f index][α index]
    double[][] gauss = {{0.375, 0.875}, {0.375, 0.5}};
    int[] fs = {1, 3};
    double[] alphas = {0.5, 10.0};
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        run("a" + i + j, "completed", "mean", "", "alie", fs[i], alphas[j], "worker", 1, 0.125, 0.125,
            alie[i][j]);
        run("g" + i + j, "completed", "mean", "", "gaussian", fs[i], alphas[j], "worker", 1, 0.125, 0.125,
            gauss[i][j]);
      }
    }
    SparkSession spark = views();
    // ordered by α, then f; best is the higher of 0.125 and the final
    assertThat(rows(spark)).containsExactly(
        "mean|1|0.5||test_accuracy|gaussian|0.375|0.375|1|0|2|gaussian|0.375|null",
        "mean|3|0.5||test_accuracy|alie|0.25|0.25|1|0|2|alie|0.25|null",
        "mean|1|10.0||test_accuracy|alie|0.75|0.75|1|0|2|alie|0.75|null",
        "mean|3|10.0||test_accuracy|gaussian|0.5|0.5|1|0|2|gaussian|0.5|null");
    assertThat(PaperFigures.of(spark, null, "w").worstCaseCells()).containsExactly(
        new PaperFigures.Cell("mean", "", "1", "0.5", 0.375),
        new PaperFigures.Cell("mean", "", "3", "0.5", 0.25),
        new PaperFigures.Cell("mean", "", "1", "10.0", 0.75),
        new PaperFigures.Cell("mean", "", "3", "10.0", 0.5));
  }

  @Test
  void analyticModelsRankByTheHighestFinalLoss() {
    // no test set; every row has the gap f(x) - f*: the worst attack ends with the highest mean gap
    String job = "{\"aggregator\":{\"name\":\"majority-vote\"},\"attack\":{\"name\":\"%s\"},\"byzantine\":2,"
        + "\"model\":{\"name\":\"quadratic\"},\"seed\":%d,\"workers\":9}";
    double[][] gaps = {{4, 1, 0.5}, {4, 2, 0.25}, {4, 0.5, 1}, {4, 0.25, 0.5}, {4, 3, 2}, {4, 2, 3}};
    String[] attacks = {"blind-flip", "blind-flip", "gaussian", "gaussian", "none", "none"};
    for (int r = 0; r < gaps.length; r++) {
      long seed = r % 2 + 1;
      runs.add(RowFactory.create("q" + r, String.format(job, attacks[r], seed), "completed"));
      long[] ts = {0, 5, 9};
      for (int i = 0; i < 3; i++) {
        iterations.add(RowFactory.create("q" + r, ts[i], "signsgd", "majority-vote", attacks[r], 9, 2, "1", seed,
            gaps[r][i] + 10, gaps[r][i], null));
      }
    }
    // blind-flip: final (0.5 + 0.25)/2 = 0.375, best (lowest gap) (0.5 + 0.25)/2 = 0.375
    // gaussian: final (1 + 0.5)/2 = 0.75 (the worst), best (0.5 + 0.25)/2 = 0.375: a tie by best, to blind-flip
    // none: final (2 + 3)/2 = 2.5, the baseline
    assertThat(rows(views())).containsExactly(
        "majority-vote|2|null||gap|gaussian|0.75|0.375|2|0|2|blind-flip|0.375|2.5");
  }

  @Test
  void listDescribesTheColumns() {
    Cli.Result list = Cli.run("analyze", "--list");
    assertThat(list.code()).isZero();
    assertThat(list.out()).contains("worst-case: ByzFL's comparison of defences",
        "    worst_attack: the attack ranked worst", "    no_attack_final: ");
  }

  /** A grid of the toy quadratic: median under {@code attacks}, B = 2 of 9, 10 steps, two seeds. */
  private Path sweep(String name, String attacks) throws Exception {
    Path grid = dir.resolve(name + ".yaml");
    Files.writeString(grid, """
        name: %s
        model: {name: quadratic, dim: 16, noise_std: 1.0, x0: 1.0}
        workers: 9
        byzantine: 2
        aggregator: {name: median}
        batch_size: 1
        iterations: 10
        lr: {schedule: constant, initial: 0.1}
        engine: inprocess
        grid:
          attack: %s
          seed: [1, 2]
        """.formatted(name, attacks));
    Path metrics = dir.resolve(name);
    SparkSession spark = SparkSessions.get("local[2]");
    StringWriter err = new StringWriter();
    Sweep.Outcome outcome = Sweep.run(spark, JobFile.load(grid, List.of()), OutputDir.of(metrics.toString(),
        spark.sparkContext().hadoopConfiguration()), 2, new PrintWriter(err));
    assertThat(outcome.status().values()).as(err.toString()).allMatch(s -> s == RunStatus.COMPLETED);
    Cli.Result plot = Cli.run("plot", "--metrics", metrics.toString(), "--master", "local[2]");
    assertThat(plot.code()).as(plot.err()).isZero();
    return metrics;
  }

  @Test
  void theReportShowsTheTableAndTheHeatmapWhenTheSweepHasSeveralAttacks() throws Exception {
    Path two = sweep("two-attacks", "[{name: blind-flip}, {name: gaussian}]");
    String html = Files.readString(two.resolve("index.html"));
    assertThat(html).contains("<h2>Worst case over attacks, per defence</h2>", "analyze --query worst-case",
        "<img src=\"plots/heatmap-worst-case.png\"", "final log10(f(x_t) − f*) under the strongest attack, by "
            + "defence and f");
    assertThat(two.resolve("plots/heatmap-worst-case.png")).isNotEmptyFile();
    // the table's row: the median at B = 2 over 2 attacks, 2 seeds each, ranked by the gap
    String row = html.lines().filter(l -> l.startsWith("<tr><td>median</td>")).collect(Collectors.joining());
    assertThat(row).contains("<td>2</td><td></td><td></td><td>gap</td>");

    Path one = sweep("one-attack", "[{name: blind-flip}]");
    assertThat(Files.readString(one.resolve("index.html"))).doesNotContain("Worst case over attacks",
        "heatmap-worst-case.png");
    assertThat(one.resolve("plots/heatmap-worst-case.png")).doesNotExist();
  }
}
