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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.cli.Cli;
import org.signsgd.metrics.WorkerSchema;
import org.signsgd.train.SparkSessions;

/** {@code analyze --query worker-trust} over hand-made workers/ rows: one inverting worker of three. */
class WorkerTrustTest {
  @TempDir
  Path dir;

  @Test
  void theInvertingWorkerLosesTheRulesTrust() {
    List<Row> workers = new ArrayList<>();
    double[][] agreement = {{0.2, 0.2, 0.1, 0.1}, {0.8, 0.8, 0.9, 0.9}, {0.7, 0.7, 0.8, 0.8}};
    double[][] weight = {{1, 0.5, -1, -2}, {1, 1, 2, 2}, {1, 1, 1.5, 1.5}};
    List<Row> iterations = new ArrayList<>();
    for (long t = 0; t < 4; t++) {
      iterations.add(RowFactory.create("r1", t, "sign-fd", "sign-fd", "sign-inversion", 3, 1, "64"));
      for (int w = 0; w < 3; w++) {
        workers.add(RowFactory.create("r1", t, w, agreement[w][(int) t], weight[w][(int) t], w == 0, "cpu"));
      }
    }
    SparkSession spark = SparkSessions.get("local[2]");
    spark.createDataFrame(List.of(RowFactory.create("r1")), new StructType().add("run_id", DataTypes.StringType))
        .write().parquet(dir.resolve("runs").toString());
    spark.createDataFrame(iterations, new StructType().add("run_id", DataTypes.StringType)
        .add("iteration", DataTypes.LongType).add("algorithm", DataTypes.StringType)
        .add("aggregator", DataTypes.StringType).add("attack", DataTypes.StringType)
        .add("workers", DataTypes.IntegerType).add("byzantine", DataTypes.IntegerType)
        .add("batch_size", DataTypes.StringType))
        .write().parquet(dir.resolve("iterations").toString());
    spark.createDataFrame(workers, WorkerSchema.SCHEMA).write().parquet(dir.resolve("workers").toString());

    Cli.Result r = Cli.run("analyze", "--metrics", dir.toString(), "--format", "csv", "--master", "local[2]",
        "--query", "worker-trust");
    assertThat(r.code()).as(r.err()).isZero();
    // honest: agreement 6.4/8, weight 11/8, second half (t = 2, 3 of last 3) 7/4;
    // Byzantine: agreement 0.6/4, weight −1.5/4, second half −3/2
    assertThat(r.out().strip().lines().toList()).containsExactly(
        "algorithm,aggregator,attack,workers,byzantine_workers,batch_size,byzantine,runs,rows,agreement,weight,"
            + "weight_second_half",
        "sign-fd,sign-fd,sign-inversion,3,1,64,false,1,8,0.8,1.375,1.75",
        "sign-fd,sign-fd,sign-inversion,3,1,64,true,1,4,0.15,-0.375,-1.5");
  }
}
