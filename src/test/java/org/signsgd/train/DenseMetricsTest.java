package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.signsgd.aggregate.Rules;
import org.signsgd.server.VarianceNormRatio;
import org.signsgd.spec.RuleSpec;

/** The variance-norm ratio of a worked example's honest vectors (El Mhamdi et al., ICLR 2021) and the rules' bounds. */
class DenseMetricsTest {
  @Test
  void ratioOfExampleE() {
    double[][] h = {{1.0, 2.1}, {2.2, 1.4}, {0.4, 0.9}, {1.6, 0.1}, {2.7, 2.6}, {1.3, 0.7}};
    List<float[]> honest = new ArrayList<>();
    for (double[] row : h) {
      honest.add(new float[] {(float) row[0], (float) row[1]});
    }
    // float inputs: 1.5466666667 / 4.0411111111 = 0.3827330217 up to float rounding of E
    assertThat(VarianceNormRatio.of(honest)).isCloseTo(0.3827330217, within(1e-7));
    assertThat(VarianceNormRatio.of(honest.subList(0, 1))).isNull();
  }

  @Test
  void boundsOfKrumBulyanAndMedian() {
    assertThat(rule("krum").varianceBound(7, 1)).isCloseTo(1.0 / 18, within(1e-12));
    int[][] nf = {{51, 24}, {51, 12}, {25, 11}, {25, 5}};
    double[] krum = {0.005661, 0.042591, 0.017055, 0.088763};
    double[] median = {0.192450, 0.160128, 0.267261, 0.223607};
    for (int i = 0; i < nf.length; i++) {
      assertThat(Math.sqrt(rule("krum").varianceBound(nf[i][0], nf[i][1]))).isCloseTo(krum[i], within(1e-6));
      assertThat(Math.sqrt(rule("bulyan").varianceBound(nf[i][0], nf[i][1]))).isCloseTo(krum[i], within(1e-6));
      assertThat(Math.sqrt(rule("median").varianceBound(nf[i][0], nf[i][1]))).isCloseTo(median[i], within(1e-6));
    }
    assertThat(rule("trimmed-mean").varianceBound(7, 1)).isNull();
  }

  @Test
  void cosine() {
    assertThat(DenseMetrics.cosine(new float[] {1, 0}, new float[] {1, 1})).isCloseTo(Math.sqrt(0.5), within(1e-12));
    assertThat(DenseMetrics.cosine(new float[] {0, 0}, new float[] {1, 1})).isNull();
  }

  private static org.signsgd.aggregate.Aggregator rule(String name) {
    return Rules.create(new RuleSpec(name, Map.of()));
  }
}
