package org.signsgd.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.signsgd.train.SparkSessions;

/**
 * The heatmaps' cells over hand-made metrics: each run's final test accuracy (its last evaluation), averaged
 * over seeds, in the panel of what else varies; a learning rate that goes with the rule is not a panel; a
 * diverged run has no cell.
 */
class HeatmapCellsTest {
  private static final StructType ITERATIONS = new StructType().add("run_id", DataTypes.StringType)
      .add("iteration", DataTypes.LongType).add("algorithm", DataTypes.StringType)
      .add("aggregator", DataTypes.StringType).add("attack", DataTypes.StringType)
      .add("workers", DataTypes.IntegerType).add("byzantine", DataTypes.IntegerType)
      .add("batch_size", DataTypes.StringType).add("seed", DataTypes.LongType)
      .add("train_loss", DataTypes.DoubleType).add("gap", DataTypes.DoubleType)
      .add("test_accuracy", DataTypes.DoubleType);

  private final List<Row> runs = new ArrayList<>();
  private final List<Row> iterations = new ArrayList<>();

  /** A run and its test accuracy at iterations 0, 5 and 9 (null: not evaluated). */
  private void run(String id, String rule, String attack, int b, String batch, long seed, Double... accuracy) {
    run(id, "completed", rule, attack, b, batch, seed, accuracy);
  }

  private void run(String id, String status, String rule, String attack, int b, String batch, long seed,
      Double... accuracy) {
    double lr = rule.equals("median") ? 0.01 : 0.1;
    runs.add(RowFactory.create(id, "{\"name\":\"h\",\"seed\":" + seed + ",\"workers\":9,\"byzantine\":" + b
        + ",\"batch_size\":\"" + batch + "\",\"aggregator\":{\"name\":\"" + rule + "\"},\"attack\":{\"name\":\""
        + attack + "\"},\"lr\":{\"initial\":" + lr + "}}", status));
    long[] ts = {0, 5, 9};
    for (int i = 0; i < ts.length; i++) {
      iterations.add(RowFactory.create(id, ts[i], rule.equals("median") ? "median" : "signsgd", rule, attack, 9, b,
          batch, seed, 1.0, null, accuracy[i]));
    }
  }

  /** The figures of the runs and iterations added so far, as the views runs and iterations. */
  private PaperFigures figures() {
    SparkSession spark = SparkSessions.get("local[2]");
    spark.createDataFrame(runs, new StructType().add("run_id", DataTypes.StringType).add("job",
        DataTypes.StringType).add("status", DataTypes.StringType)).createOrReplaceTempView("runs");
    spark.createDataFrame(iterations, ITERATIONS).createOrReplaceTempView("iterations");
    return PaperFigures.of(spark, null, "h");
  }

  @Test
  void cellsAreFinalAccuracyAveragedOverSeeds() {
    run("r1", "majority-vote", "blind-flip", 2, "1", 1, null, 0.5, 0.75);
    run("r2", "majority-vote", "blind-flip", 2, "1", 2, null, 0.875, 0.5); // best 0.875 is not its final
    run("r3", "majority-vote", "blind-flip", 0, "1", 1, 0.1, 0.9, 0.9);
    run("r4", "median", "blind-flip", 2, "1", 1, 0.2, 0.3, 0.4);
    run("r5", "majority-vote", "gaussian", 2, "1", 1, 0.2, 0.2, 0.3);
    run("r6", "majority-vote", "blind-flip", 2, "4", 1, 0.1, 0.55, null); // last evaluated at 5
    // diverged: its rows stop before the divergence, so it has no final value and no cell
    run("r7", "diverged", "majority-vote", "blind-flip", 4, "1", 1, 0.1, 0.2, 0.3);
    PaperFigures f = figures();

    assertThat(f.byzantineBatchCells()).containsExactly(
        new PaperFigures.Cell("majority-vote, blind-flip, lr.initial=0.1", "signsgd", "1", "0.00 (0/9)", 0.9),
        new PaperFigures.Cell("majority-vote, blind-flip, lr.initial=0.1", "signsgd", "1", "0.22 (2/9)", 0.625),
        new PaperFigures.Cell("majority-vote, blind-flip, lr.initial=0.1", "signsgd", "4", "0.22 (2/9)", 0.55),
        new PaperFigures.Cell("majority-vote, gaussian, lr.initial=0.1", "signsgd", "1", "0.22 (2/9)", 0.3),
        new PaperFigures.Cell("median, blind-flip, lr.initial=0.01", "median", "1", "0.22 (2/9)", 0.4));

    // lr.initial goes with the rule (0.1 for the vote, 0.01 for the median): panels are (batch, B) only
    assertThat(f.attackAggregatorCells()).containsExactly(
        new PaperFigures.Cell("batch=1, B=0", "", "majority-vote", "blind-flip", 0.9),
        new PaperFigures.Cell("batch=1, B=2", "", "majority-vote", "blind-flip", 0.625),
        new PaperFigures.Cell("batch=1, B=2", "", "majority-vote", "gaussian", 0.3),
        new PaperFigures.Cell("batch=1, B=2", "", "median", "blind-flip", 0.4),
        new PaperFigures.Cell("batch=4, B=2", "", "majority-vote", "blind-flip", 0.55));
  }

  /** A run given by its job JSON, final accuracy at iteration 9. */
  private void raw(String id, String json, String rule, String attack, int b, double accuracy) {
    runs.add(RowFactory.create(id, json, "completed"));
    iterations.add(RowFactory.create(id, 9L, rule, rule, attack, 9, b, "1", 1L, 1.0, null, accuracy));
  }

  @Test
  void aDeclaredFThatVariesOnItsOwnAndABareAttackName() {
    raw("r1", "{\"aggregator\":{\"name\":\"krum\"},\"attack\":\"blind-flip\",\"byzantine\":2,"
        + "\"declared_byzantine\":2}", "krum", "blind-flip", 2, 0.5);
    raw("r2", "{\"aggregator\":{\"name\":\"krum\"},\"attack\":\"gaussian\",\"byzantine\":2,"
        + "\"declared_byzantine\":2}", "krum", "gaussian", 2, 0.25);
    raw("r3", "{\"aggregator\":{\"name\":\"median\"},\"attack\":\"blind-flip\",\"byzantine\":2,"
        + "\"declared_byzantine\":2}", "median", "blind-flip", 2, 0.75);
    raw("r4", "{\"aggregator\":{\"name\":\"krum\"},\"attack\":\"blind-flip\",\"byzantine\":2,"
        + "\"declared_byzantine\":3}", "krum", "blind-flip", 2, 0.125);
    PaperFigures f = figures();

    // Krum told f = 3 with B = 2 is its own panel, never averaged with Krum told f = 2
    assertThat(f.byzantineBatchCells()).containsExactly(
        new PaperFigures.Cell("krum, attack=blind-flip, f=2", "krum", "1", "0.22 (2/9)", 0.5),
        new PaperFigures.Cell("krum, attack=blind-flip, f=3", "krum", "1", "0.22 (2/9)", 0.125),
        new PaperFigures.Cell("krum, attack=gaussian, f=2", "krum", "1", "0.22 (2/9)", 0.25),
        new PaperFigures.Cell("median, attack=blind-flip, f=2", "median", "1", "0.22 (2/9)", 0.75));
    // "attack: gaussian" written bare is a row of the heatmap, not a panel of its own
    assertThat(f.attackAggregatorCells()).containsExactly(
        new PaperFigures.Cell("f=2", "", "krum", "blind-flip", 0.5),
        new PaperFigures.Cell("f=2", "", "krum", "gaussian", 0.25),
        new PaperFigures.Cell("f=2", "", "median", "blind-flip", 0.75),
        new PaperFigures.Cell("f=3", "", "krum", "blind-flip", 0.125));
  }
}
