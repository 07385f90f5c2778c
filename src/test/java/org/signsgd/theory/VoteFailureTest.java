package org.signsgd.theory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The vote's failure probability and its bounds (Akoun and Meyer, Thm 2bis; Mengoli et al. 2025, Thm 3.7) at
 * hand-computed points, to 7 digits: the ladder table and the S = 2 check of docs/bounds.md.
 */
class VoteFailureTest {

  @ParameterizedTest(name = "Q={0} B={1} p={2}")
  @CsvSource({
      "27, 5, 0.8, 0.0201417, 0.0201417, 0.1731431, 0.2288008, 0.375",
      "27, 10, 0.8, 0.4511238, 0.4511238, 0.9963370, 8.2462113, 0.375",
      "5, 1, 0.9, 0.0523, 0.0523, 0.2292994, 0.2727273, 0.4444444",
      "4, 1, 0.9, 0.028, 0.271, 0.3552632, 0.3711537, 0.4444444"})
  void ladderTable(int q, int b, double p, double strict, double ties, double cant, double amgm, double tol) {
    assertThat(VoteFailure.exactStrict(q, b, p)).isCloseTo(strict, within(5e-8));
    assertThat(VoteFailure.exactWithTies(q, b, p)).isCloseTo(ties, within(5e-8));
    assertThat(VoteFailure.cantelli(q, b, p)).isCloseTo(cant, within(5e-8));
    assertThat(VoteFailure.amGm(q, b, p)).isCloseTo(amgm, within(5e-8));
    assertThat(VoteFailure.toleratedFraction(p)).isCloseTo(tol, within(5e-8));
  }

  @Test
  void theTieConventionMattersWhenQIsEven() {
    assertThat(VoteFailure.exactWithTies(4, 1, 0.9) - VoteFailure.exactStrict(4, 1, 0.9))
        .isCloseTo(0.243, within(1e-12));
  }

  /** S = 2 gives p = 1 − Lemma 3.6(2) = 0.8535534; Q = 27, B = 5. */
  @Test
  void finalBoundsAtSnrTwo() {
    double s = 2;
    double p = 1 - SignErrorBounds.mengoliLemma36(s);
    double alpha = 5.0 / 27;
    assertThat(p).isCloseTo(0.8535534, within(5e-8));
    assertThat(VoteFailure.amGm(27, 5, p)).isCloseTo(0.1570915, within(5e-8));
    assertThat(VoteFailure.mengoliCorrected(27, alpha, p, s)).isCloseTo(0.1570915, within(5e-8));
    assertThat(VoteFailure.mengoliPrinted(27, alpha, p, s)).isCloseTo(0.0392729, within(5e-8));
    assertThat(VoteFailure.exactWithTies(27, 5, p)).isCloseTo(0.0025029, within(5e-8));
    assertThat(VoteFailure.cantelli(27, 5, p)).isCloseTo(0.0898425, within(5e-8));
    assertThat(VoteFailure.akounFinal(27, alpha, p, s)).isCloseTo(0.1740296, within(5e-8));
  }

  @Test
  void akounIntermediateByHand() {
    // (1/(2√27)) √0.2 / (0.8·(1 − 5/27) − 1/2) = 0.0430331 / 0.1518519 = 0.2833887…
    double expected = Math.sqrt(0.2) / (2 * Math.sqrt(27) * (0.8 * (22.0 / 27) - 0.5));
    assertThat(VoteFailure.akounIntermediate(27, 5.0 / 27, 0.8)).isCloseTo(expected, within(1e-15))
        .isCloseTo(0.2833887, within(5e-7));
  }

  @Test
  void toleranceInIntegerForm() {
    // B < (2p − 1)H: p = 0.8, Q = 27 → B = 10: 10 < 0.6·17 = 10.2 tolerated; B = 11: 11 < 9.6 not
    assertThat(VoteFailure.tolerates(27, 10, 0.8)).isTrue();
    assertThat(VoteFailure.tolerates(27, 11, 0.8)).isFalse();
    assertThat(VoteFailure.toleratedFraction(0.5)).isZero();
  }

  @Test
  void cantelliIsZeroAtPOneAndExactIsOneWithNoHonestWorker() {
    assertThat(VoteFailure.cantelli(27, 5, 1.0)).isZero();
    assertThat(VoteFailure.exactStrict(27, 27, 0.9)).isEqualTo(1.0);
  }

  @Test
  void outOfRangeArgumentsAreOneLineErrors() {
    assertThatThrownBy(() -> VoteFailure.exactStrict(-1, 0, 0.8))
        .hasMessage("exact vote failure: Q=-1; allowed: Q >= 1");
    assertThatThrownBy(() -> VoteFailure.exactStrict(27, 28, 0.8))
        .hasMessage("exact vote failure: B=28 of Q=27; allowed: 0 <= B <= 27");
    assertThatThrownBy(() -> VoteFailure.exactStrict(27, 3, 1.5))
        .hasMessage("exact vote failure: p=1.5; allowed: 0 <= p <= 1");
    assertThatThrownBy(() -> VoteFailure.cantelli(27, 14, 0.8))
        .hasMessage("Cantelli bound: needs Hp > Q/2 and p > 0; got H=13, p=0.8, Hp=10.4, Q/2=13.5");
    assertThatThrownBy(() -> VoteFailure.akounFinal(27, 0.5, 0.8, 2))
        .hasMessageStartingWith("Akoun-Meyer final bound: needs alpha < 1 - 1/(2p) = 0.375");
  }
}
