package org.signsgd.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.signsgd.vote.SignVector;

/** SSFA(r) (Park and Lee, ICML 2024; docs/attacks.md): the worked example, r = 1 as sign inversion, the flip rate. */
class StochasticSignFlipTest {
  @Test
  void referenceExample() {
    // s = (1,−1,1,−1), U = (0.3,0.7,0.5,0.9), r = 0.6: flips where U ≤ r → (−1,−1,−1,−1)
    Iterator<Double> u = List.of(0.3, 0.7, 0.5, 0.9).iterator();
    SignVector sent = StochasticSignFlip.flip(SignVector.ofSigns(1, -1, 1, -1), u::next, 0.6);
    assertThat(sent.toSigns()).containsExactly(-1, -1, -1, -1);
  }

  @Test
  void rOneIsSignInversionZerosStayAndTheRateIsR() {
    SplittableRandom rng = new SplittableRandom(4);
    int d = 10_000;
    int[] signs = new int[d];
    for (int i = 0; i < d; i++) {
      signs[i] = i % 10 == 0 ? 0 : rng.nextBoolean() ? 1 : -1;
    }
    SignVector s = SignVector.ofSigns(signs);
    assertThat(StochasticSignFlip.flip(s, rng::nextDouble, 1.0)).isEqualTo(s.negate());
    assertThat(StochasticSignFlip.flip(s, rng::nextDouble, 0.0)).isEqualTo(s);
    int[] half = StochasticSignFlip.flip(s, rng::nextDouble, 0.5).toSigns();
    int flipped = 0;
    for (int i = 0; i < d; i++) {
      if (signs[i] == 0) {
        assertThat(half[i]).isZero();
      } else if (half[i] == -signs[i]) {
        flipped++;
      }
    }
    assertThat(flipped).isBetween(4300, 4700); // 9000 nonzero, mean 4500, sd 47
    assertThatThrownBy(() -> new StochasticSignFlip(1.5))
        .hasMessage("stochastic-sign-flip: r is 1.5; allowed: 0 <= r <= 1");
  }
}
