package org.signsgd.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class UpdateTest {
  @Test
  void denseUpdateAddsWeightDecayAfterTheDirection() {
    float[] x = {1f, -2f};
    Update.dense(x, new float[] {0.5f, 0f}, 0.1, 0.5);
    // 1 − 0.1(0.5 + 0.5) = 0.9; −2 − 0.1(0 − 1) = −1.9
    assertThat(x).containsExactly(new float[] {0.9f, -1.9f}, within(1e-7f));
  }

  @Test
  void signUpdateReadsPackedPlanesAcrossWordBoundaries() {
    int d = 130;
    float[] x = new float[d];
    long[] neg = {1L << 63, 1L, 0};
    long[] zer = {0, 0, 1L};
    Update.signs(x, w -> neg[w], w -> zer[w], 0.25, 0);
    assertThat(x[63]).isEqualTo(0.25f);
    assertThat(x[64]).isEqualTo(0.25f);
    assertThat(x[128]).isEqualTo(0f);
    assertThat(x[0]).isEqualTo(-0.25f);
    assertThat(x[129]).isEqualTo(-0.25f);
  }

  @Test
  void momentumOfExampleA() {
    float[] v = new float[2];
    WorkerMomentum.accumulate(v, new float[] {0.5f, -1f}, 0.9);
    WorkerMomentum.accumulate(v, new float[] {-0.3f, 0.4f}, 0.9);
    assertThat(v).containsExactly(new float[] {0.015f, -0.05f}, within(1e-8f));
    assertThatThrownBy(() -> WorkerMomentum.accumulate(v, new float[2], 1.0))
        .hasMessage("momentum: beta is 1.0; allowed: 0 <= beta < 1");
    assertThatThrownBy(() -> Update.dense(v, new float[3], 0.1, 0))
        .hasMessage("update: direction has d=3; expected d=2 like the parameters");
  }
}
