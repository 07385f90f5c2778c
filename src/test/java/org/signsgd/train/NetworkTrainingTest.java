package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.data.MnistFixture;
import org.signsgd.job.JobSpec;

/** DL4J networks inside the job: MNIST at reduced scale, and determinism with dropout on. */
class NetworkTrainingTest {
  @TempDir
  Path dir;

  private String mnist() {
    return "{name: mnist, dir: '" + MnistFixture.dir() + "'}";
  }

  private String mlp() {
    return """
        name: mlp-mnist
        seed: 1
        model: {name: mlp}
        data: %s
        workers: 9
        batch_size: 64
        iterations: 100
        eval_every: 50
        """.formatted(mnist());
  }

  private static IterationRow last(List<IterationRow> rows) {
    return rows.get(rows.size() - 1);
  }

  private static List<IterationRow> spark(String master, JobSpec spec) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkSessions.get(master).sparkContext());
    return TestJobs.run(new SparkEngine(jsc), spec);
  }

  /** Signum (β = 0.9, η = 1e-3) on 9 Spark partitions, no attack: ≥ 85 % test accuracy after 100 iterations. */
  @Test
  void signumReachesEightyFivePercentOnMnist() throws Exception {
    JobSpec spec = TestJobs.one(dir, mlp(), "aggregator={name: majority-vote}", "momentum.beta=0.9",
        "lr={schedule: constant, initial: 0.001}");
    List<IterationRow> rows = spark("local[2]", spec);
    assertThat(rows).hasSize(100);
    assertThat(rows.get(0).testAccuracy()).isLessThan(0.3);
    assertThat(last(rows).testAccuracy()).isGreaterThanOrEqualTo(0.85);
    assertThat(last(rows).trainLoss()).isLessThan(0.5 * rows.get(0).trainLoss());
    // packed signs up: d = 79,510 bits per worker, 8 + ceil(d/8) bytes + the 8-byte message header
    assertThat(rows.get(0).bytesUp()).isEqualTo(9L * (8 + 8 + (79_510 + 7) / 8));
  }

  /** Plain distributed SGD with one reversed-sum Byzantine of 9 stays at chance level. */
  @Test
  void sgdWithOneReversedSumByzantineStaysAtChance() throws Exception {
    JobSpec spec = TestJobs.one(dir, mlp(), "aggregator={name: mean}", "byzantine=1",
        "attack={name: reversed-sum}", "lr={schedule: constant, initial: 0.1}", "engine=inprocess");
    List<IterationRow> rows = TestJobs.run(new InProcessEngine(), spec);
    assertThat(rows).hasSize(100);
    assertThat(last(rows).testAccuracy()).isLessThanOrEqualTo(0.20);
    // the control: the same SGD without the Byzantine learns
    JobSpec clean = TestJobs.one(dir, mlp(), "aggregator={name: mean}", "lr={schedule: constant, initial: 0.1}",
        "engine=inprocess");
    assertThat(last(TestJobs.run(new InProcessEngine(), clean)).testAccuracy()).isGreaterThan(0.85);
  }

  /**
   * mengoli-cnn with both dropout layers on, a colluding attack that reads the Byzantines' own gradients, the
   * honest-mean reference by treeAggregate and replica checks every iteration: local[1], local[2] and the
   * in-process engine give the same rows, timing aside.
   */
  @Test
  void dropoutNetworkGivesIdenticalRowsOnOneAndTwoCores() throws Exception {
    JobSpec spec = TestJobs.one(dir, """
        name: cnn-determinism
        seed: 9
        model: {name: mengoli-cnn}
        data: %s
        workers: 4
        byzantine: 1
        attack: {name: byzantine-vote, source: gradients}
        aggregator: {name: majority-vote}
        momentum: {beta: 0.9}
        weight_decay: 0.05
        batch_size: 4
        iterations: 5
        reference_every: 2
        check_every: 1
        checkpoint_every: 2
        lr: {schedule: constant, initial: 0.001}
        """.formatted(mnist()));
    List<IterationRow> one = TestJobs.timeless(spark("local[1]", spec));
    List<IterationRow> two = TestJobs.timeless(spark("local[2]", spec));
    assertThat(one).hasSize(5);
    assertThat(two).isEqualTo(one);
    assertThat(TestJobs.timeless(TestJobs.run(new InProcessEngine(), spec))).isEqualTo(one);
    assertThat(one.get(0).honestAgreement()).isNotNull();
    assertThat(one.get(1).honestAgreement()).isNull();
    assertThat(one.get(4).voteFailureRate()).isBetween(0.0, 1.0);
    assertThat(one.get(1).trainLoss()).isNotEqualTo(one.get(0).trainLoss());
  }

  /**
   * The data paths a network run can take — Dirichlet shards, seeded augmentation, the test set evaluated in
   * slices on the workers' replicas, several workers per partition — give the same rows on every master.
   */
  @Test
  void augmentedNonIidRunWithEvaluationIsIdenticalEverywhere() throws Exception {
    JobSpec spec = TestJobs.one(dir, mlp(), "data.split=dirichlet", "data.alpha=0.3", "data.augment=true",
        "iterations=6", "eval_every=2", "reference_every=3", "workers=5", "workers_per_partition=2",
        "aggregator={name: majority-vote}", "lr={schedule: constant, initial: 0.001}");
    List<IterationRow> inProcess = TestJobs.timeless(TestJobs.run(new InProcessEngine(), spec));
    assertThat(TestJobs.timeless(spark("local[1]", spec))).isEqualTo(inProcess);
    assertThat(TestJobs.timeless(spark("local[2]", spec))).isEqualTo(inProcess);
    // evaluated at every eval_every and at the last iteration, on all 10,000 test images
    assertThat(inProcess).filteredOn(r -> r.testAccuracy() != null).extracting(IterationRow::iteration)
        .containsExactly(0L, 2L, 4L, 5L);
    assertThat(inProcess.get(5).testAccuracy() * 10_000).isCloseTo(Math.rint(inProcess.get(5).testAccuracy()
        * 10_000), org.assertj.core.api.Assertions.within(1e-6));
  }
}
