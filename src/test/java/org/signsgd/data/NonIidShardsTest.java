package org.signsgd.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Dirichlet(α) non-IID shards (Hsu et al. 2019): a partition, seeded, skewed for small α. */
class NonIidShardsTest {
  private static int[] labels(int n) {
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 10;
    }
    return y;
  }

  /** Mean over workers of the share of its largest class. */
  private static double dominantShare(Shards s, int[] y) {
    double total = 0;
    for (int w = 0; w < s.workers(); w++) {
      int[] counts = new int[10];
      for (int i : s.shard(w)) {
        counts[y[i]]++;
      }
      total += (double) Arrays.stream(counts).max().getAsInt() / s.shardSize(w);
    }
    return total / s.workers();
  }

  @Test
  void everySampleLandsInExactlyOneShard() {
    int[] y = labels(6000);
    Shards s = Shards.dirichlet(y, 10, 9, 0.5, 4);
    int[] seen = new int[y.length];
    for (int w = 0; w < 9; w++) {
      for (int i : s.shard(w)) {
        seen[i]++;
      }
    }
    assertThat(seen).containsOnly(1);
    assertThat(Shards.dirichlet(y, 10, 9, 0.5, 4).shard(3)).containsExactly(s.shard(3));
    assertThat(Shards.dirichlet(y, 10, 9, 0.5, 5).shard(3)).isNotEqualTo(s.shard(3));
  }

  @Test
  void smallAlphaConcentratesClassesAndLargeAlphaIsNearlyIid() {
    int[] y = labels(20_000);
    double skewed = dominantShare(Shards.dirichlet(y, 10, 10, 0.05, 1), y);
    double mixed = dominantShare(Shards.dirichlet(y, 10, 10, 1000, 1), y);
    assertThat(skewed).isGreaterThan(0.6);
    assertThat(mixed).isBetween(0.1, 0.13);
    assertThat(dominantShare(new Shards(20_000, 10, 1), y)).isBetween(0.1, 0.13);
  }

  /**
   * The shards of labels given as bytes before labels became ints (ImageNet has 1000 classes): the same samples
   * in the same order, so earlier runs keep their shards. The golden numbers were printed by the byte[] version.
   */
  @Test
  void intLabelsGiveTheShardsByteLabelsGave() {
    int[] y = new int[6000];
    for (int i = 0; i < y.length; i++) {
      y[i] = (i * 7 + i / 13) % 10;
    }
    Shards s = Shards.dirichlet(y, 10, 9, 0.5, 4);
    int[][] golden = {{542, -1338497881, 2316, 5365}, {1203, -298804524, 123, 859}, {549, -258230715, 4974, 5320},
        {540, 2044741620, 236, 3264}, {274, -283339534, 1553, 4711}, {1243, -488538124, 1690, 3859},
        {784, 1208280507, 1334, 2850}, {583, 620855065, 3732, 1680}, {282, 789888081, 4348, 3452}};
    for (int w = 0; w < 9; w++) {
      int[] shard = s.shard(w);
      assertThat(new int[] {shard.length, Arrays.hashCode(shard), shard[0], shard[shard.length - 1]})
          .as("worker " + w).containsExactly(golden[w]);
    }
  }

  @Test
  void anEmptyWorkerOrABadAlphaIsAnError() {
    assertThatThrownBy(() -> Shards.dirichlet(labels(30), 10, 25, 0.01, 1))
        .hasMessageMatching("sharding: dirichlet alpha=0.01 left worker \\d+ with no sample; allowed: a larger "
            + "alpha, or fewer workers");
    assertThatThrownBy(() -> Shards.dirichlet(labels(30), 10, 2, 0, 1))
        .hasMessage("sharding: dirichlet alpha=0.0; allowed: 0 < alpha <= 1e6");
  }
}
