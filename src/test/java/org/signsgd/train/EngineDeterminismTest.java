package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.job.JobSpec;

/** The same job and seed give the same rows, timing aside, on any engine and master. */
class EngineDeterminismTest {
  @TempDir
  Path dir;

  private static final String JOB = """
      name: determinism
      seed: 11
      model: {name: quadratic, dim: 300, noise_std: 1.0, x0: normal}
      workers: 7
      byzantine: 2
      attack: {name: byzantine-vote}
      aggregator: {name: majority-vote, tie: random}
      momentum: {beta: 0.9}
      weight_decay: 0.01
      batch_size: t
      iterations: 25
      checkpoint_every: 10
      check_every: 5
      lr: {schedule: inverse-sqrt, initial: 0.5}
      """;

  private static List<IterationRow> spark(String master, JobSpec spec) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkSessions.get(master).sparkContext());
    return TestJobs.timeless(TestJobs.run(new SparkEngine(jsc), spec));
  }

  @Test
  void twoInProcessRunsAreIdentical() throws Exception {
    JobSpec spec = TestJobs.one(dir, JOB);
    List<IterationRow> a = TestJobs.timeless(TestJobs.run(new InProcessEngine(), spec));
    assertThat(a).hasSize(25);
    assertThat(TestJobs.timeless(TestJobs.run(new InProcessEngine(), spec))).isEqualTo(a);
  }

  @Test
  void sparkOnOneAndTwoCoresEqualsInProcess() throws Exception {
    for (String variant : List.of("", "dense")) {
      JobSpec spec = variant.isEmpty() ? TestJobs.one(dir, JOB)
          : TestJobs.one(dir, JOB, "aggregator={name: mean}", "attack={name: reversed-sum}");
      List<IterationRow> inProcess = TestJobs.timeless(TestJobs.run(new InProcessEngine(), spec));
      assertThat(spark("local[2]", spec)).as(variant).isEqualTo(inProcess);
      assertThat(spark("local[1]", spec)).as(variant).isEqualTo(inProcess);
    }
  }

  /** Several workers per partition: fewer tasks, the same rows. */
  @Test
  void workersPerPartitionChangesNothingButTheTaskCount() throws Exception {
    JobSpec spec = TestJobs.one(dir, JOB);
    List<IterationRow> inProcess = TestJobs.timeless(TestJobs.run(new InProcessEngine(), spec));
    for (String perPartition : List.of("3", "7")) {
      JobSpec packed = TestJobs.one(dir, JOB, "workers_per_partition=" + perPartition);
      List<IterationRow> rows = spark("local[2]", packed);
      // the run id hashes the settings; everything else is equal
      assertThat(rows).extracting(IterationRow::trainLoss).containsExactlyElementsOf(
          inProcess.stream().map(IterationRow::trainLoss).toList());
      assertThat(rows.stream().map(r -> TestJobs.timeless(r)).map(r -> r.toString().replace(packed.runId(),
          spec.runId())).toList()).isEqualTo(inProcess.stream().map(IterationRow::toString).toList());
    }
  }

  @Test
  void aDifferentSeedGivesDifferentRows() throws Exception {
    List<IterationRow> a = TestJobs.timeless(TestJobs.run(new InProcessEngine(), TestJobs.one(dir, JOB)));
    List<IterationRow> b = TestJobs.timeless(TestJobs.run(new InProcessEngine(), TestJobs.one(dir, JOB,
        "seed=12")));
    assertThat(b.get(5).trainLoss()).isNotEqualTo(a.get(5).trainLoss());
  }
}
