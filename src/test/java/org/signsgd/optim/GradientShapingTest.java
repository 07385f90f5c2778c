package org.signsgd.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Seed 003's unsquared L2 penalty gradient λx/‖x‖ and the clip to norm C, by hand. */
class GradientShapingTest {
  @Test
  void penaltyThenClip() {
    // x = (3, 4), ‖x‖ = 5: g + 0.5·(0.6, 0.8) = (1.3, 2.4), ‖·‖ = √7.45 = 2.7294688, clipped to 1
    float[] g = {1f, 2f};
    GradientShaping.apply(g, new float[] {3f, 4f}, 0.5, 1.0);
    assertThat(g[0]).isCloseTo((float) (1.3 / Math.sqrt(7.45)), within(1e-6f));
    assertThat(g[1]).isCloseTo((float) (2.4 / Math.sqrt(7.45)), within(1e-6f));
    assertThat(GradientShaping.norm(g)).isCloseTo(1.0, within(1e-6));
  }

  @Test
  void aShortGradientAndZeroParametersAreLeftAlone() {
    float[] g = {0.3f, -0.4f};
    GradientShaping.apply(g, new float[] {0f, 0f}, 0.5, 2.0);
    assertThat(g).containsExactly(0.3f, -0.4f);
    GradientShaping.apply(g, new float[] {1f, 1f}, 0, 0);
    assertThat(g).containsExactly(0.3f, -0.4f);
  }
}
