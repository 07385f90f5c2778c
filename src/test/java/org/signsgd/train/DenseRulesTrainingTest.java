package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.job.JobSpec;

/**
 * The robust dense rules and dense attacks in a whole job: the same rows on Spark and in-process, with momentum
 * at the server as at the workers; the two placements differ under Krum; Krum under ALIE still descends while
 * the mean under sign-flip does not.
 */
class DenseRulesTrainingTest {
  @TempDir
  Path dir;

  private static final String JOB = """
      name: dense
      seed: 9
      model: {name: quadratic, dim: 50, noise_std: 1.0, x0: 1.0}
      workers: 11
      byzantine: 2
      attack: {name: alie, factor: 1.5}
      aggregator: {name: krum}
      momentum: {beta: 0.9, at: server}
      batch_size: 1
      iterations: 40
      lr: {schedule: constant, initial: 0.02}
      engine: spark
      """;

  @Test
  void serverMomentumRowsAreTheSameOnEveryEngine() throws Exception {
    JobSpec spec = TestJobs.one(dir, JOB);
    List<IterationRow> inProcess = TestJobs.timeless(TestJobs.run(new InProcessEngine(), spec));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkSessions.get("local[2]").sparkContext());
    assertThat(TestJobs.timeless(TestJobs.run(new SparkEngine(jsc), spec))).isEqualTo(inProcess);
    List<IterationRow> atWorkers = TestJobs.timeless(TestJobs.run(new InProcessEngine(),
        TestJobs.one(dir, JOB, "momentum.at=worker")));
    assertThat(atWorkers.get(39).trainLoss()).isNotEqualTo(inProcess.get(39).trainLoss());
    // f(x0) = ½·50 = 25; Krum with server momentum descends under ALIE
    assertThat(inProcess.get(0).trainLoss()).isEqualTo(25.0);
    assertThat(inProcess.get(39).trainLoss()).isLessThan(5.0);
    // Krum, n = 11, f = 2: η² = 2(9 + (2·7 + 4·8)/5) = 36.4; the ratio and the cosine come every iteration
    assertThat(inProcess).allSatisfy(r -> {
      assertThat(r.varianceBound()).isEqualTo(1 / 36.4);
      assertThat(r.varianceNormRatio()).isPositive();
      assertThat(r.cosineToReference()).isBetween(-1.0, 1.0);
    });
    List<IterationRow> flipped = TestJobs.timeless(TestJobs.run(new InProcessEngine(),
        TestJobs.one(dir, JOB.replace("{name: alie, factor: 1.5}", "{name: sign-flip}"), "aggregator.name=mean",
            "byzantine=6", "declared_byzantine=0")));
    assertThat(flipped.get(39).trainLoss()).isGreaterThan(20.0);
  }

  /**
   * The driver drops non-finite dense messages; the rule is then told f − dropped, so trimmed-mean with b = f = 2
   * of n = 5 still averages the 3 honest vectors (told f = 2 for 3 vectors it would trim past the middle).
   */
  @Test
  void droppedMessagesLowerTheFTheRuleIsTold() throws Exception {
    JobSpec spec = TestJobs.one(dir, JOB.replace("{name: alie, factor: 1.5}", "{name: nan}")
        .replace("{name: krum}", "{name: trimmed-mean}"), "workers=5", "byzantine=2", "momentum.beta=0");
    List<IterationRow> rows = TestJobs.run(new InProcessEngine(), spec);
    assertThat(rows).allSatisfy(r -> {
      assertThat(r.trainLoss()).isFinite();
      assertThat(r.malformedMessages()).isEqualTo(2);
    });
    assertThat(rows.get(39).trainLoss()).isLessThan(rows.get(0).trainLoss() / 2);
  }
}
