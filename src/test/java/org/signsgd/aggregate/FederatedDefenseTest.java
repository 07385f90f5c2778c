package org.signsgd.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.signsgd.message.Message;
import org.signsgd.message.SignMessage;
import org.signsgd.rng.SeedStreams;
import org.signsgd.vote.SignVector;
import org.signsgd.vote.TieRule;

/**
 * signSGD-FD (Park and Lee, ICML 2024, as their code computes it) on two worked examples computed by hand: B1 in
 * the initial phase (one weight per worker), B2 after it (one weight per worker and coordinate); tolerance 1e-5,
 * the digits the hand computation keeps (docs/aggregators.md#sign-fd).
 */
class FederatedDefenseTest {
  private static final double TOL = 1e-5;

  private static final int[][] B1_SIGNS = {
      {-1, -1, 1, 1}, {-1, 1, 1, -1}, {1, 1, -1, 1}, {1, -1, -1, -1}, {-1, 1, -1, 1}};

  private static List<Message> messages(int[][] signs) {
    List<Message> out = new ArrayList<>();
    for (int m = 0; m < signs.length; m++) {
      out.add(new SignMessage(m, SignVector.ofSigns(signs[m])));
    }
    return out;
  }

  private static AggregationContext ctx(int workers, long t) {
    return new AggregationContext(workers, 0, t, SeedStreams.of(1, t, -1, SeedStreams.Purpose.TIE));
  }

  /** Counts with the given per-worker sums Σ_n A_{m,n}, spread over the first coordinates. */
  private static float[][] countsWithSums(int[] sums, int d) {
    float[][] a = new float[sums.length][d];
    for (int m = 0; m < sums.length; m++) {
      int left = sums[m];
      for (int n = 0; n < d && left > 0; n++) {
        int take = Math.min(left, 2);
        a[m][n] = take;
        left -= take;
      }
    }
    return a;
  }

  @Test
  void llrOfExampleB1() {
    double[] q = {0.125, 0.25, 0.75, 0.875, 0.75};
    double[] expected = {-1.945842, -1.098586, 1.098586, 1.945842, 1.098586};
    for (int m = 0; m < q.length; m++) {
      assertThat(FederatedDefense.llr(q[m], 10)).isCloseTo(expected[m], within(TOL));
    }
  }

  @Test
  void phaseOneDecodesExampleB1AndCountsAgreements() {
    FederatedDefense fd = new FederatedDefense(false, 100, 10, 1);
    fd.restore(countsWithSums(new int[] {1, 2, 6, 7, 6}, 4), 2, 2);
    Direction dir = fd.aggregate(messages(B1_SIGNS), ctx(5, 2));
    assertThat(((Direction.Signs) dir).signs().toSigns()).containsExactly(1, 1, -1, -1);
    // agreements added (0, 2, 3, 3, 2): Σ A at r = 3 is (1, 4, 9, 10, 8)
    double[] expected = {1, 4, 9, 10, 8};
    for (int m = 0; m < 5; m++) {
      assertThat(fd.agreementSum(m)).isEqualTo(expected[m]);
    }
    assertThat(fd.round()).isEqualTo(3);
  }

  @Test
  void plainVoteDisagreesWithFdOnExampleB1() {
    Direction mv = new MajorityVote(TieRule.ZERO).aggregate(messages(B1_SIGNS), ctx(5, 2));
    assertThat(((Direction.Signs) mv).signs().toSigns()).containsExactly(-1, 1, -1, 1);
  }

  @Test
  void phaseTwoWeightsOfExampleB2AreClippedLlrs() {
    double[] a = {0, 1, 3, 4, 2};
    double[] expected = {-10, -1.098589, 1.098576, 10, -0.000005};
    for (int m = 0; m < a.length; m++) {
      double q = a[m] / (4 + FederatedDefense.EPSILON);
      assertThat(FederatedDefense.llr(q, 10)).isCloseTo(expected[m], within(TOL));
    }
    assertThat(FederatedDefense.llr(0 / 4.00001, 1e9)).isCloseTo(-11.51, within(0.01));
    assertThat(FederatedDefense.llr(4 / 4.00001, 1e9)).isCloseTo(11.29, within(0.01));
  }

  @Test
  void phaseTwoDecodesExampleB2AgainstTheVote() {
    FederatedDefense fd = new FederatedDefense(false, 4, 10, 1);
    float[][] a = {{0}, {1}, {3}, {4}, {2}};
    fd.restore(a, 4, 4);
    int[][] s = {{1}, {1}, {-1}, {-1}, {1}};
    Direction dir = fd.aggregate(messages(s), ctx(5, 4));
    assertThat(((Direction.Signs) dir).signs().toSigns()).containsExactly(-1);
    // u = -10 - 1.098589 - 1.098576 - 10 - 0.000005 = -22.197170
    double u = -10 - 1.098589 - 1.098576 - 10 - 0.000005;
    assertThat(u).isCloseTo(-22.197170, within(TOL));
    Direction mv = new MajorityVote(TieRule.ZERO).aggregate(messages(s), ctx(5, 4));
    assertThat(((Direction.Signs) mv).signs().toSigns()).containsExactly(1);
  }

  @Test
  void invertedWorkersGetNegativeWeightsAfterTheInitialPhase() {
    int workers = 7;
    int d = 16;
    FederatedDefense fd = new FederatedDefense(false, 3, 10, 1);
    int[] truth = new int[d];
    for (int n = 0; n < d; n++) {
      truth[n] = n % 3 == 0 ? -1 : 1;
    }
    int[] inverted = new int[d];
    for (int n = 0; n < d; n++) {
      inverted[n] = -truth[n];
    }
    for (int t = 0; t < 6; t++) {
      int[][] s = new int[workers][];
      for (int m = 0; m < workers; m++) {
        s[m] = m < 3 ? inverted : truth;
      }
      Direction dir = fd.aggregate(messages(s), ctx(workers, t));
      assertThat(((Direction.Signs) dir).signs().toSigns()).containsExactly(truth);
    }
    for (int m = 0; m < workers; m++) {
      double q = fd.agreementSum(m) / (d * 6.0);
      assertThat(FederatedDefense.llr(q, 10)).isEqualTo(m < 3 ? -10 : 10, within(1e-9));
    }
    // with 4 of 7 inverted the plain vote would follow the liars; FD, having learnt the weights, does not
    int[][] flipped = new int[workers][];
    for (int m = 0; m < workers; m++) {
      flipped[m] = m < 4 ? inverted : truth;
    }
    Direction dir = fd.aggregate(messages(flipped), ctx(workers, 6));
    assertThat(((Direction.Signs) dir).signs().toSigns()).containsExactly(truth);
  }

  /**
   * Seed 002's claim: inverted workers end with negative weights. M = 15, 6 send −(true sign), 9 send the true
   * sign with 20 % noise, d = 400, T_in = 5: from round 1 (per-worker weights) and after the initial phase
   * (per-coordinate weights) every inverted worker's mean weight is negative and every honest one's positive,
   * and FD decodes more true signs than the plain vote.
   */
  @Test
  void invertedWorkersWeighNegativeAfterTheInitialPhase() {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(9);
    int workers = 15;
    int d = 400;
    FederatedDefense fd = new FederatedDefense(false, 5, 10, 1);
    MajorityVote mv = new MajorityVote(TieRule.ZERO);
    long fdRight = 0;
    long mvRight = 0;
    for (int r = 0; r < 12; r++) {
      int[] truth = new int[d];
      for (int n = 0; n < d; n++) {
        truth[n] = rng.nextBoolean() ? 1 : -1;
      }
      int[][] signs = new int[workers][d];
      for (int m = 0; m < workers; m++) {
        for (int n = 0; n < d; n++) {
          int honest = rng.nextDouble() < 0.2 ? -truth[n] : truth[n];
          signs[m][n] = m < 6 ? -honest : honest;
        }
      }
      int[] decoded = ((Direction.Signs) fd.aggregate(messages(signs), ctx(workers, r))).signs().toSigns();
      int[] voted = ((Direction.Signs) mv.aggregate(messages(signs), ctx(workers, r))).signs().toSigns();
      if (r >= 1) {
        double[] w = fd.lastWeights();
        for (int m = 0; m < workers; m++) {
          if (m < 6) {
            assertThat(w[m]).as("round %d worker %d", r, m).isNegative();
          } else {
            assertThat(w[m]).as("round %d worker %d", r, m).isPositive();
          }
        }
        for (int n = 0; n < d; n++) {
          fdRight += decoded[n] == truth[n] ? 1 : 0;
          mvRight += voted[n] == truth[n] ? 1 : 0;
        }
      }
    }
    assertThat(fd.round()).isEqualTo(12);
    // phase 2 (rounds 5..11) uses per-coordinate weights from 12 rounds of counts: an inverted worker's are
    // negative, an honest one's positive, at 9 coordinates in 10 or more (P[Bin(12, 0.8) <= 6] = 0.019, plus decoding errors)
    for (int m : new int[] {0, 5, 6, 14}) {
      int agreeing = 0;
      for (int n = 0; n < d; n++) {
        agreeing += (m < 6 ? fd.weight(m, n) < 0 : fd.weight(m, n) > 0) ? 1 : 0;
      }
      assertThat(agreeing).as("worker %d", m).isGreaterThan(d * 9 / 10);
    }
    assertThat(fdRight).isGreaterThan(mvRight + 11 * d / 10);
  }
}
