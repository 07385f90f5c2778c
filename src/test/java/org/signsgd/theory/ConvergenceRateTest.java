package org.signsgd.theory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.signsgd.theory.ConvergenceRate.Variant;

/**
 * The convergence-rate right-hand sides (Bernstein et al. 2019, Thm 2; Akoun and Meyer, Thm 2bis; Mengoli et al.
 * 2025, Thm 3.7) at N = 10⁴, M = Q = 27, ‖σ‖₁ = 10, ‖L‖₁ = 2, f₀ − f* = 3, α = 0.2, p = 0.9; expected
 * values computed by hand: (4/100)·[c·10 + √6]².
 */
class ConvergenceRateTest {
  private static double rhs(Variant v, double alpha) {
    return ConvergenceRate.rhs(v, 1e4, 27, alpha, 0.9, 10, 2, 3);
  }

  @Test
  void everyVariantByHand() {
    assertThat(rhs(Variant.BERNSTEIN_BLIND, 0)).isCloseTo(0.7652717648, within(1e-9));
    assertThat(rhs(Variant.BERNSTEIN_BLIND, 0.2)).isCloseTo(1.2800619948, within(1e-9));
    assertThat(rhs(Variant.AKOUN_THM2BIS, 0.2)).isCloseTo(1.2286746250, within(1e-9));
    assertThat(rhs(Variant.MENGOLI_STATEMENT, 0.2)).isCloseTo(0.7413774105, within(1e-9));
    assertThat(rhs(Variant.MENGOLI_PROOF, 0.2)).isCloseTo(0.4178098504, within(1e-9));
    assertThat(rhs(Variant.MENGOLI_REMARK, 0.2)).isCloseTo(0.5436424855, within(1e-9));
  }

  @Test
  void outsideTheToleranceIsAOneLineError() {
    assertThatThrownBy(() -> rhs(Variant.BERNSTEIN_BLIND, 0.5))
        .hasMessage("convergence rate BERNSTEIN_BLIND: alpha=0.5; allowed: 0 <= alpha < 1/2");
    assertThatThrownBy(() -> rhs(Variant.AKOUN_THM2BIS, 0.45))
        .hasMessageStartingWith("convergence rate AKOUN_THM2BIS: needs alpha < 1 - 1/(2p) = 0.444");
  }
}
