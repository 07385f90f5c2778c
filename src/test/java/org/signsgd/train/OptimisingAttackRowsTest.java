package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.job.JobSpec;

/**
 * An optimising attack's search is recorded in the iterations/ rows (attack_factor, attack_evaluations; null for
 * the other attacks), the run is deterministic, and sharded aggregation takes it (docs/attacks.md).
 */
class OptimisingAttackRowsTest {
  @TempDir
  Path dir;

  private static final String JOB = """
      name: optimising
      seed: 3
      model: {name: quadratic, dim: 20, noise_std: 1.0, x0: 1.0}
      workers: 7
      byzantine: 2
      attack: {name: optimal-alie, evaluations: 8}
      aggregator: {name: median}
      batch_size: 1
      iterations: 6
      lr: {schedule: constant, initial: 0.1}
      engine: inprocess
      """;

  @Test
  void theSearchIsInTheRows() throws Exception {
    JobSpec spec = TestJobs.one(dir, JOB);
    List<IterationRow> rows = TestJobs.run(new InProcessEngine(), spec);
    assertThat(rows).hasSize(6).allSatisfy(r -> {
      assertThat(r.attackEvaluations()).isEqualTo(8);
      assertThat(r.attackFactor()).isNotNull().isFinite().isGreaterThanOrEqualTo(0.0);
    });
    assertThat(TestJobs.timeless(TestJobs.run(new InProcessEngine(), spec))).isEqualTo(TestJobs.timeless(rows));
    List<IterationRow> plain = TestJobs.run(new InProcessEngine(), TestJobs.one(dir, JOB.replace(
        "{name: optimal-alie, evaluations: 8}", "{name: alie, factor: 1.5}")));
    assertThat(plain).allSatisfy(r -> {
      assertThat(r.attackFactor()).isNull();
      assertThat(r.attackEvaluations()).isNull();
    });
  }

  /** Sharded aggregation takes it, over a rule that keeps state per chunk too (centered clipping's centre). */
  @Test
  void shardedAggregationTakesIt() throws Exception {
    for (String rule : new String[] {"{name: median}", "{name: centered-clipping}"}) {
      assertThat(TestJobs.one(dir, JOB.replace("engine: inprocess", "engine: spark\naggregation: sharded")
          .replace("{name: median}", rule)).aggregation()).isEqualTo("sharded");
    }
  }
}
