package org.signsgd.theory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

/** The per-worker sign-error bounds at S = 0.5, 2/√3, 2, computed by hand to 7 digits (docs/bounds.md). */
class SignErrorBoundsTest {
  private static final double TOL = 5e-8;
  private static final double KNEE = 2 / Math.sqrt(3);

  @Test
  void bernsteinLemma1() {
    assertThat(SignErrorBounds.bernsteinLemma1(0.5)).isCloseTo(0.3556624, within(TOL));
    assertThat(SignErrorBounds.bernsteinLemma1(KNEE)).isCloseTo(1.0 / 6, within(1e-12));
    assertThat(SignErrorBounds.bernsteinLemma1(2)).isCloseTo(0.0555556, within(TOL));
    // continuous at the knee: both branches give 1/6
    assertThat(2 / (9 * KNEE * KNEE)).isCloseTo(0.5 - KNEE / (2 * Math.sqrt(3)), within(1e-15));
  }

  @Test
  void akounLemma1bis() {
    assertThat(SignErrorBounds.akounLemma1bis(0.5)).isCloseTo(2, within(TOL));
    assertThat(SignErrorBounds.akounLemma1bis(KNEE)).isCloseTo(0.375, within(TOL));
    assertThat(SignErrorBounds.akounLemma1bis(2)).isCloseTo(0.125, within(TOL));
  }

  @Test
  void mengoliLemma36() {
    assertThat(SignErrorBounds.mengoliLemma36(0.5)).isCloseTo(0.3787322, within(TOL));
    assertThat(SignErrorBounds.mengoliLemma36(KNEE)).isCloseTo(0.25, within(TOL));
    assertThat(SignErrorBounds.mengoliLemma36(2)).isCloseTo(0.1464466, within(TOL));
  }

  @Test
  void gaussianExact() {
    assertThat(SignErrorBounds.gaussianExact(0.5)).isCloseTo(0.3085375, within(TOL));
    assertThat(SignErrorBounds.gaussianExact(KNEE)).isCloseTo(0.1241065, within(TOL));
    assertThat(SignErrorBounds.gaussianExact(2)).isCloseTo(0.0227501, within(TOL));
  }

  @Test
  void mengoliCorollaryHoldsWithEqualityAtTheLemma() {
    double s = 2;
    double p = 1 - SignErrorBounds.mengoliLemma36(s);
    assertThat(p * (1 - p) / ((p - 0.5) * (p - 0.5))).isCloseTo(4 / (s * s), within(1e-12));
  }

  @Test
  void negativeSnrIsAOneLineError() {
    assertThatThrownBy(() -> SignErrorBounds.bernsteinLemma1(-1))
        .hasMessage("sign-error bound: S=-1.0; allowed: a finite S >= 0");
  }

  @Property(tries = 300, seed = "11")
  boolean everyBoundIsAtLeastTheGaussianValue(@ForAll @DoubleRange(min = 0.01, max = 50) double s) {
    double exact = SignErrorBounds.gaussianExact(s);
    return SignErrorBounds.bernsteinLemma1(s) >= exact && SignErrorBounds.akounLemma1bis(s) >= exact
        && SignErrorBounds.mengoliLemma36(s) >= exact;
  }
}
