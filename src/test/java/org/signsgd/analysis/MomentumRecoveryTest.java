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

/**
 * {@code analyze --query momentum-recovery(-summary)} over a hand-made metrics directory: seed 003's analysis
 * (best accuracy per run, averaged over seeds; loss and gain against the baseline; the 0.2 thresholds).
 */
class MomentumRecoveryTest {
  @TempDir
  Path dir;

  private static final StructType RUNS = new StructType().add("run_id", DataTypes.StringType)
      .add("seed", DataTypes.LongType).add("job", DataTypes.StringType).add("status", DataTypes.StringType);
  private static final StructType ITERATIONS = new StructType().add("run_id", DataTypes.StringType)
      .add("iteration", DataTypes.LongType).add("test_accuracy", DataTypes.DoubleType)
      .add("aggregator", DataTypes.StringType).add("attack", DataTypes.StringType)
      .add("workers", DataTypes.IntegerType).add("byzantine", DataTypes.IntegerType);

  private final List<Row> runs = new ArrayList<>();
  private final List<Row> iterations = new ArrayList<>();

  /** One run: its accuracy at two evaluation points (the best is the larger), or a run that never finished. */
  private void run(String id, long seed, boolean nesterov, String at, String aggregator, String attack,
      int workers, int f, double first, double best, String status) {
    runs.add(RowFactory.create(id, seed, "{\"data\":{\"name\":\"mnist\"},\"lr\":{\"initial\":0.5},"
        + "\"momentum\":{\"at\":\"" + at + "\",\"nesterov\":" + nesterov + "}}", status));
    iterations.add(RowFactory.create(id, 0L, null, aggregator, attack, workers, f));
    iterations.add(RowFactory.create(id, 5L, first, aggregator, attack, workers, f));
    iterations.add(RowFactory.create(id, 10L, best, aggregator, attack, workers, f));
  }

  private String analyze(String query) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    int code = cmd.execute("analyze", "--metrics", dir.toString(), "--query", query, "--format", "csv",
        "--master", "local[2]");
    assertThat(code).as(err.toString()).isZero();
    return out.toString().strip();
  }

  @Test
  void lossGainEffectiveAndRecoveredByHand() {
    // baseline: mean over 39 honest workers, seeds 1 and 2: best 0.9 and 0.8 -> reference 0.85
    run("b1", 1, false, "server", "mean", "none", 39, 0, 0.5, 0.9, "completed");
    run("b2", 2, false, "server", "mean", "none", 39, 0, 0.8, 0.7, "completed"); // best is the first point
    // krum f=12 alie: server 0.5, 0.6 -> 0.55 (loss 0.3: effective); worker 0.8, 0.9 -> 0.85 (gain 0.3: recovered)
    run("k1s", 1, false, "server", "krum", "alie", 51, 12, 0.1, 0.5, "completed");
    run("k2s", 2, false, "server", "krum", "alie", 51, 12, 0.1, 0.6, "completed");
    run("k1w", 1, false, "worker", "krum", "alie", 51, 12, 0.1, 0.8, "completed");
    run("k2w", 2, false, "worker", "krum", "alie", 51, 12, 0.1, 0.9, "completed");
    // median f=12 alie: server 0.7 (loss 0.15: not effective), worker 0.95
    run("m1s", 1, false, "server", "median", "alie", 51, 12, 0.2, 0.7, "completed");
    run("m1w", 1, false, "worker", "median", "alie", 51, 12, 0.2, 0.95, "completed");
    // median f=12 fall-of-empires: server 0.1 at its first point (loss 0.75), worker 0.25 (gain 0.15): effective, not recovered;
    // an unfinished worker run is left out
    run("e1s", 1, false, "server", "median", "fall-of-empires", 51, 12, 0.1, 0.05, "completed");
    run("e1w", 1, false, "worker", "median", "fall-of-empires", 51, 12, 0.2, 0.25, "completed");
    run("e2w", 2, false, "worker", "median", "fall-of-empires", 51, 12, 0.99, 0.99, "running");
    // Nesterov on has no baseline: no row
    run("n1s", 1, true, "server", "krum", "alie", 51, 12, 0.1, 0.5, "completed");
    run("n1w", 1, true, "worker", "krum", "alie", 51, 12, 0.1, 0.8, "completed");
    SparkSession spark = SparkSessions.get("local[2]");
    spark.createDataFrame(runs, RUNS).write().parquet(dir.resolve("runs").toString());
    spark.createDataFrame(iterations, ITERATIONS).write().parquet(dir.resolve("iterations").toString());

    assertThat(analyze("momentum-recovery").lines().toList()).containsExactly(
        "dataset,lr,nesterov,aggregator,f,attack,seeds,reference,server,worker,loss,gain,effective,recovered",
        "mnist,0.5,false,krum,12,alie,2,0.85,0.55,0.85,0.3,0.3,true,true",
        "mnist,0.5,false,median,12,alie,1,0.85,0.7,0.95,0.15,0.25,false,false",
        "mnist,0.5,false,median,12,fall-of-empires,1,0.85,0.1,0.25,0.75,0.15,true,false");
    assertThat(analyze("momentum-recovery-summary").lines().toList()).containsExactly(
        "dataset,configurations,effective,recovered,recovered_share",
        "mnist,3,2,1,0.5",
        "all,3,2,1,0.5");
  }
}
