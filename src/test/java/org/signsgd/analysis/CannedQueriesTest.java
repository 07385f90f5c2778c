package org.signsgd.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.cli.Main;
import org.signsgd.train.SparkSessions;
import picocli.CommandLine;

/** {@code analyze --query accuracy | vote-failure} over hand-made metrics, and the one-line errors. */
class CannedQueriesTest {
  @TempDir
  Path dir;

  private static final StructType RUNS = new StructType().add("run_id", DataTypes.StringType)
      .add("job", DataTypes.StringType);
  private static final StructType ITERATIONS = new StructType().add("run_id", DataTypes.StringType)
      .add("iteration", DataTypes.LongType).add("test_accuracy", DataTypes.DoubleType)
      .add("honest_agreement", DataTypes.DoubleType).add("vote_failure_rate", DataTypes.DoubleType)
      .add("exact_failure", DataTypes.DoubleType).add("bound_failure", DataTypes.DoubleType)
      .add("algorithm", DataTypes.StringType).add("aggregator", DataTypes.StringType)
      .add("attack", DataTypes.StringType).add("workers", DataTypes.IntegerType)
      .add("byzantine", DataTypes.IntegerType).add("batch_size", DataTypes.StringType);

  private final List<Row> iterations = new ArrayList<>();

  private void row(String run, long t, Double acc, Double p, Double measured, Double exact, Double bound,
      boolean vote) {
    iterations.add(RowFactory.create(run, t, acc, p, measured, exact, bound, vote ? "signum" : "sgd",
        vote ? "majority-vote" : "mean", vote ? "blind-flip" : "none", 7, vote ? 2 : 0, "64"));
  }

  private String[] analyze(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of("analyze", "--metrics", dir.toString(), "--format", "csv",
        "--master", "local[2]"));
    all.addAll(List.of(args));
    int code = cmd.execute(all.toArray(String[]::new));
    return new String[] {Integer.toString(code), out.toString().strip(), err.toString().strip()};
  }

  @Test
  void accuracyAndVoteFailureByHand() {
    // r1, r2: Signum under blind-flip, seeds 1 and 2. r1 ends at 0.7 (best 0.7), r2 at 0.6 (best 0.8 earlier)
    row("r1", 0, null, 0.8, 0.1, 0.05, 0.2, true);
    row("r1", 5, 0.5, 0.9, 0.3, 0.02, 0.1, true);
    row("r1", 9, 0.7, null, null, null, null, true);
    row("r2", 0, null, 0.7, 0.4, 0.3, null, true); // outside the tolerance: no Cantelli bound
    row("r2", 5, 0.8, null, null, null, null, true);
    row("r2", 9, 0.6, null, null, null, null, true);
    // r3: SGD, no attack, momentum at the server; its last evaluation is at 5
    row("r3", 5, 0.9, null, null, null, null, false);
    row("r3", 9, null, null, null, null, null, false);
    SparkSession spark = SparkSessions.get("local[2]");
    spark.createDataFrame(List.of(RowFactory.create("r1", "{\"momentum\":{\"at\":\"worker\"}}"),
        RowFactory.create("r2", "{\"momentum\":{\"at\":\"worker\"}}"),
        RowFactory.create("r3", "{\"momentum\":{\"at\":\"server\"}}")), RUNS)
        .write().parquet(dir.resolve("runs").toString());
    spark.createDataFrame(iterations, ITERATIONS).write().parquet(dir.resolve("iterations").toString());

    String[] acc = analyze("--query", "accuracy");
    assertThat(acc[0]).as(acc[2]).isEqualTo("0");
    assertThat(acc[1].lines().toList()).containsExactly(
        "aggregator,attack,byzantine,batch_size,momentum_at,seeds,final_mean,final_min,final_max,best_mean,"
            + "best_min,best_max",
        "majority-vote,blind-flip,2,64,worker,2,0.65,0.6,0.7,0.75,0.7,0.8",
        "mean,none,0,64,server,1,0.9,0.9,0.9,0.9,0.9,0.9");

    String[] votes = analyze("--query", "vote-failure");
    assertThat(votes[0]).as(votes[2]).isEqualTo("0");
    // three iterations: p̂ (0.8 + 0.9 + 0.7)/3, measured (0.1 + 0.3 + 0.4)/3, exact (0.05 + 0.02 + 0.3)/3;
    // Cantelli only where defined: (0.2 + 0.1)/2, measured within it once in two
    assertThat(votes[1].lines().toList()).containsExactly(
        "algorithm,attack,workers,byzantine,batch_size,iterations,p_hat,measured,exact,cantelli,within_bound",
        "signum,blind-flip,7,2,64,3,0.8,0.2667,0.1233,0.15,0.5");
  }

  @Test
  void unknownQueryOrEmptyDirectoryIsOneLine() {
    String[] typo = analyze("--query", "acuracy");
    assertThat(typo[0]).isEqualTo("2");
    assertThat(typo[2]).isEqualTo("error: --query acuracy: no such query (did you mean 'accuracy'?); allowed: "
        + "accuracy, vote-failure, vote-failure-by-iteration, communication, timing, worker-trust, "
        + "momentum-recovery, momentum-recovery-summary, worst-case");
    String[] empty = analyze("--query", "accuracy");
    assertThat(empty[0]).isEqualTo("2");
    assertThat(empty[2]).startsWith("error: --metrics " + dir + " holds no metrics");
  }
}
