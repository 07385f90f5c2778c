package org.signsgd.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.signsgd.model.Models;
import org.signsgd.spec.RuleSpec;

/** The synthetic regression data of Akoun and Meyer's code (simu_linreg, simu_logreg; arXiv 2202.02085, §5). */
class SyntheticRegressionTest {
  @Test
  void syntheticDataIsStandardisedAndSeeded() {
    SyntheticRegression a = SyntheticRegression.generate(SyntheticRegression.Kind.LOGISTIC, 10_000, 8005);
    assertThat(a.trainLabels()).hasSize(8000);
    assertThat(a.testLabels()).hasSize(2000);
    assertThat(a.trainLabels()).containsOnly(0f, 1f);
    double mean = 0;
    for (float[] row : a.trainFeatures()) {
      mean += row[3];
    }
    assertThat(mean / 8000).isCloseTo(0, within(1e-4));
    assertThat(SyntheticRegression.generate(SyntheticRegression.Kind.LOGISTIC, 10_000, 8005).trainFeatures()[7])
        .containsExactly(a.trainFeatures()[7]);
    double[][] l = SyntheticRegression.cholesky(SyntheticRegression.toeplitz(3, 0.3));
    // L Lᵀ = Σ: Σ₁₂ = 0.3, Σ₁₃ = 0.09
    assertThat(l[1][0] * l[0][0]).isCloseTo(0.3, within(1e-12));
    assertThat(l[2][0] * l[0][0]).isCloseTo(0.09, within(1e-12));
    assertThat(Models.create(RuleSpec.of("logistic"), RuleSpec.of("synthetic"), 1, 4).dimension()).isEqualTo(21);
  }

  @Test
  void shardsPartitionTheSamplesAndBatchesAreSeededWithoutReplacement() {
    Shards s = new Shards(100, 7, 5);
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    int total = 0;
    for (int w = 0; w < 7; w++) {
      total += s.shardSize(w);
      int[] b = s.batch(w, 3, 1000);
      assertThat(b).hasSize(s.shardSize(w)).doesNotHaveDuplicates();
      for (int i : b) {
        seen.add(i);
      }
    }
    assertThat(total).isEqualTo(100);
    assertThat(seen).hasSize(100);
    assertThat(s.batch(2, 9, 5)).containsExactly(s.batch(2, 9, 5)).doesNotHaveDuplicates();
    assertThat(s.batch(2, 10, 5)).isNotEqualTo(s.batch(2, 9, 5));
  }
}
