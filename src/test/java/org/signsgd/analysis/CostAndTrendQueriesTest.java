package org.signsgd.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.cli.Cli;
import org.signsgd.train.SparkSessions;

/** {@code analyze --query communication | timing | vote-failure-by-iteration} over hand-made metrics. */
class CostAndTrendQueriesTest {
  @TempDir
  Path dir;

  private static final StructType ITERATIONS = new StructType().add("run_id", DataTypes.StringType)
      .add("iteration", DataTypes.LongType).add("algorithm", DataTypes.StringType)
      .add("aggregator", DataTypes.StringType).add("attack", DataTypes.StringType)
      .add("workers", DataTypes.IntegerType).add("byzantine", DataTypes.IntegerType)
      .add("batch_size", DataTypes.StringType).add("dimension", DataTypes.LongType)
      .add("bytes_up", DataTypes.LongType).add("bytes_down", DataTypes.LongType)
      .add("compute_ms", DataTypes.DoubleType).add("aggregate_ms", DataTypes.DoubleType)
      .add("iteration_ms", DataTypes.DoubleType).add("honest_agreement", DataTypes.DoubleType)
      .add("vote_failure_rate", DataTypes.DoubleType).add("exact_failure", DataTypes.DoubleType)
      .add("bound_failure", DataTypes.DoubleType);

  private final List<Row> rows = new ArrayList<>();

  /** signSGD, Q = 3, d = 100: a sign message is ceil(100/8) = 13 bytes + a 16-byte header = 29. */
  private void sign(String run, long t, double compute, double aggregate, double total, Double p, Double measured,
      Double exact, Double bound) {
    rows.add(RowFactory.create(run, t, "signsgd", "majority-vote", "blind-flip", 3, 1, "1", 100L, 87L, 87L,
        compute, aggregate, total, p, measured, exact, bound));
  }

  @BeforeEach
  void metrics() {
    sign("r1", 0, 2.0, 1.0, 5.0, 0.8, 0.1, 0.05, 0.2);
    sign("r1", 10, 4.0, 1.0, 9.0, 0.9, 0.3, 0.02, 0.1);
    sign("r2", 0, 2.0, 1.0, 5.0, 0.7, 0.4, 0.3, null);
    sign("r2", 10, 4.0, 1.0, 9.0, 0.9, 0.1, 0.04, 0.3);
    sign("r2", 11, 4.0, 1.0, 9.0, null, null, null, null);
    // SGD, Q = 3, d = 100: a float32 message is 400 bytes + a 16-byte header; r3's second iteration is slower
    rows.add(RowFactory.create("r3", 0L, "sgd", "mean", "none", 3, 0, "1", 100L, 1248L, 1248L, 10.0, 2.0, 20.0,
        null, null, null, null));
    rows.add(RowFactory.create("r3", 1L, "sgd", "mean", "none", 3, 0, "1", 100L, 1248L, 1248L, 30.0, 2.0, 40.0,
        null, null, null, null));
    SparkSession spark = SparkSessions.get("local[2]");
    spark.createDataFrame(List.of(RowFactory.create("r1")), new StructType().add("run_id", DataTypes.StringType))
        .write().parquet(dir.resolve("runs").toString());
    spark.createDataFrame(rows, ITERATIONS).write().parquet(dir.resolve("iterations").toString());
  }

  private List<String> query(String name) {
    Cli.Result r = Cli.run("analyze", "--metrics", dir.toString(), "--format", "csv", "--master", "local[2]",
        "--query", name);
    assertThat(r.code()).as(r.err()).isZero();
    return r.out().strip().lines().toList();
  }

  @Test
  void communicationIsBytesOverFloat32() {
    // float32: 4 · 100 · 3 = 1200 bytes; signs 1200 / 87 = 13.79; dense 1200 / 1248 = 0.96
    assertThat(query("communication")).containsExactly(
        "algorithm,aggregator,attack,workers,dimension,iterations,bytes_up,bytes_down,bytes_up_per_worker,"
            + "float32_bytes,compression_up,compression_down",
        "sgd,mean,none,3,100,2,1248.0,1248.0,416.0,1200,0.96,0.96",
        "signsgd,majority-vote,blind-flip,3,100,5,87.0,87.0,29.0,1200,13.79,13.79");
  }

  @Test
  void timingSplitsTheIteration() {
    // signsgd: compute (2+4+2+4+4)/5 = 3.2, aggregate 1, other ((5-3)·2 + (9-5)·3)/5 = 3.2, total 7.4,
    // share 16/37 = 0.4324; sgd: compute 20, aggregate 2, other (8 + 8)/2 = 8, total 30, share 40/60
    assertThat(query("timing")).containsExactly(
        "algorithm,aggregator,attack,workers,byzantine,batch_size,dimension,iterations,compute_ms,aggregate_ms,"
            + "other_ms,iteration_ms,compute_share",
        "sgd,mean,none,3,0,1,100,2,20.0,2.0,8.0,30.0,0.6667",
        "signsgd,majority-vote,blind-flip,3,1,1,100,5,3.2,1.0,3.2,7.4,0.4324");
  }

  @Test
  void voteFailurePerIterationAveragesTheSeeds() {
    // t = 0: p̂ (0.8 + 0.7)/2, measured (0.1 + 0.4)/2, exact (0.05 + 0.3)/2, Cantelli only r1's 0.2;
    // t = 10: p̂ 0.9, measured 0.2, exact 0.03, Cantelli 0.2; t = 11 has no reference gradient
    assertThat(query("vote-failure-by-iteration")).containsExactly(
        "algorithm,attack,workers,byzantine,batch_size,iteration,seeds,p_hat,measured,exact,cantelli",
        "signsgd,blind-flip,3,1,1,0,2,0.75,0.25,0.175,0.2",
        "signsgd,blind-flip,3,1,1,10,2,0.9,0.2,0.03,0.2");
  }

  @Test
  void listDocumentsEveryColumn() {
    Cli.Result r = Cli.run("analyze", "--list");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("communication: bytes per iteration", "    compression_up, compression_down:",
        "timing: milliseconds per iteration", "momentum-recovery-summary:");
    for (String name : CannedQueries.names()) {
      assertThat("\n" + r.out()).contains("\n" + name + ": ");
    }
  }

  @Test
  void aColumnThatDoesNotExistIsOneLineListingTheViews() {
    Cli.Result r = Cli.run("analyze", "--metrics", dir.toString(), "--master", "local[2]", "--sql",
        "SELECT comput_ms FROM iterations");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).startsWith("error: --sql: ").contains("comput_ms")
        .contains("; views: runs(run_id) iterations(run_id, iteration, algorithm, aggregator, attack, workers, "
            + "byzantine, batch_size, dimension, bytes_up, bytes_down, compute_ms, aggregate_ms, iteration_ms, "
            + "honest_agreement, vote_failure_rate, exact_failure, bound_failure)");
  }
}
