package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aggregation: auto}: sharded at d ≥ 2^20, on any master, for a rule and attack that can run chunk by chunk and
 * for which sharding pays (dense messages or per-coordinate state, not a stateless sign vote), unless the job asks for
 * resident workers.
 */
class AutoAggregationTest {
  @TempDir
  Path dir;

  private boolean pays(String... overrides) throws Exception {
    String[] all = java.util.Arrays.copyOf(overrides, overrides.length + 1);
    all[overrides.length] = "attack.name=gaussian"; // an attack for either message kind
    return new Driver(TestJobs.one(dir, TestJobs.TOY, all)).shardingPays();
  }

  @Test
  void shardingPaysForDenseRulesAndSignFdButNotForTheStatelessVote() throws Exception {
    assertThat(pays("aggregator.name=majority-vote")).isFalse();
    assertThat(pays("aggregator.name=sign-fd")).isTrue();
    assertThat(pays("aggregator.name=median")).isTrue();
    assertThat(pays("aggregator.name=krum")).isTrue();
    assertThat(pays("aggregator.name=centered-clipping")).isTrue();
  }

  @Test
  void autoShardsAtLargeDimensionUnlessTheWorkersAreAskedToBeResident() {
    int big = SparkEngine.AUTO_SHARDED_DIMENSION;
    assertThat(org.signsgd.job.AutoAggregation.sharded(true, big, false)).isTrue();
    assertThat(org.signsgd.job.AutoAggregation.sharded(true, big - 1, false)).isFalse();
    assertThat(org.signsgd.job.AutoAggregation.sharded(false, big, false)).isFalse();
    assertThat(org.signsgd.job.AutoAggregation.sharded(true, big, true)).isFalse();
  }
}
