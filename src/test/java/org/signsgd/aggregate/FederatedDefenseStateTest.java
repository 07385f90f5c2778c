package org.signsgd.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.signsgd.message.Message;
import org.signsgd.message.SignMessage;
import org.signsgd.rng.SeedStreams;
import org.signsgd.vote.SignVector;

/** The counts of sign-fd by hand: forgetting γ, abstentions, the sign-fv initial phase, bad input. */
class FederatedDefenseStateTest {
  private static List<Message> messages(int[][] signs) {
    List<Message> out = new ArrayList<>();
    for (int m = 0; m < signs.length; m++) {
      out.add(new SignMessage(m, SignVector.ofSigns(signs[m])));
    }
    return out;
  }

  private static int[] decode(Aggregator fd, int[][] signs, long t) {
    Direction dir = fd.aggregate(messages(signs), new AggregationContext(signs.length, 0, t,
        SeedStreams.of(1, t, -1, SeedStreams.Purpose.TIE)));
    return ((Direction.Signs) dir).signs().toSigns();
  }

  /**
   * γ = 0.5, Q = 3, d = 2. Round 0 (plain vote): s = (1,1), (1,−1), (−1,−1) → ŝ = (1,−1); A = (1,0), (1,1),
   * (0,1); C = 1. Round 1 (phase 1): q̂ = ΣA/(d·C) = (1/2, 1, 1/2) → w = (0, 10, 0) (LLR(1) = 11.51 clipped);
   * s = (1,1), (−1,1), (1,1) → ŝ = (−1, 1) where the plain vote says (1, 1); A = 0.5A + agreement =
   * (0.5,1), (1.5,1.5), (0,1.5); C = 0.5·1 + 1 = 1.5, so ΣA/(d·C) = (0.5, 1, 0.5) (the code's ΣA/(d·r) would
   * give 0.375, 0.75, 0.375).
   */
  @Test
  void forgettingFactorByHand() {
    FederatedDefense fd = new FederatedDefense(false, 100, 10, 0.5);
    assertThat(decode(fd, new int[][] {{1, 1}, {1, -1}, {-1, -1}}, 0)).containsExactly(1, -1);
    assertThat(fd.weight(0, 0)).isCloseTo(0, within(1e-9));
    assertThat(fd.weight(1, 0)).isEqualTo(10);
    assertThat(decode(fd, new int[][] {{1, 1}, {-1, 1}, {1, 1}}, 1)).containsExactly(-1, 1);
    assertThat(fd.agreementSum(0)).isEqualTo(1.5);
    assertThat(fd.agreementSum(1)).isEqualTo(3.0);
    assertThat(fd.agreementSum(2)).isEqualTo(1.5);
    assertThat(fd.weight(1, 0)).isEqualTo(10);
    assertThat(fd.weight(0, 1)).isCloseTo(0, within(1e-9));
  }

  @Test
  void aDecodedZeroAgreesWithAnAbstainerOnlyByDefault() {
    // zeros: disagree (an earlier reading of Park and Lee's code, docs/aggregators.md#sign-fd): a decoded 0 agrees
    // with nobody
    FederatedDefense reference = new FederatedDefense(false, 100, 10, 1, false, false);
    assertThat(decode(reference, new int[][] {{1}, {-1}, {0}}, 0)).containsExactly(0);
    for (int m = 0; m < 3; m++) {
      assertThat(reference.agreementSum(m)).isZero();
    }
    // default, the authors' code (grad == sign(g) elementwise): the abstainer's 0 equals the decoded 0
    FederatedDefense code = new FederatedDefense(false, 100, 10, 1);
    assertThat(decode(code, new int[][] {{1}, {-1}, {0}}, 0)).containsExactly(0);
    assertThat(code.agreementSum(0)).isZero();
    assertThat(code.agreementSum(1)).isZero();
    assertThat(code.agreementSum(2)).isEqualTo(1);
  }

  @Test
  void phaseTwoUsesPerCoordinateWeightsWithEpsilon() {
    FederatedDefense fd = new FederatedDefense(false, 4, 10, 1);
    fd.restore(new float[][] {{0, 4}, {1, 1}, {3, 0}}, 4, 4);
    assertThat(fd.weight(1, 0)).isCloseTo(Math.log((0.25 / 1.0000025 + 1e-5) / (1 - 0.25 / 1.0000025 + 1e-5)),
        within(1e-9)).isCloseTo(-1.098589, within(1e-5));
    assertThat(fd.weight(0, 0)).isEqualTo(-10);
    assertThat(fd.weight(0, 1)).isEqualTo(10);
    assertThat(fd.weight(2, 0)).isCloseTo(1.098576, within(1e-5));
  }

  @Test
  void signFvVotesPlainlyDuringTheInitialPhaseAndSignFdDoesNot() {
    int[][] history = {{1, 1}, {1, 1}, {-1, -1}};
    int[][] now = {{-1, -1}, {1, 1}, {-1, -1}};
    FederatedDefense fv = new FederatedDefense(true, 5, 10, 1);
    FederatedDefense fd = new FederatedDefense(false, 5, 10, 1);
    for (long t = 0; t < 2; t++) {
      decode(fv, history, t);
      decode(fd, history, t);
    }
    assertThat(fv.weight(2, 0)).isEqualTo(1);
    assertThat(decode(fv, now, 2)).containsExactly(-1, -1); // plain majority
    assertThat(decode(fd, now, 2)).containsExactly(1, 1); // worker 2 always disagreed: weight −10
  }

  @Test
  void duplicateWorkersAndAnEmptyRunAreOneLineErrors() {
    FederatedDefense fd = new FederatedDefense(false, 100, 10, 1);
    List<Message> twice = List.of(new SignMessage(0, SignVector.ofSigns(1)), new SignMessage(0,
        SignVector.ofSigns(1)));
    assertThatThrownBy(() -> fd.aggregate(twice, new AggregationContext(2, 0, 0, null)))
        .hasMessage("sign-fd: worker 0 sent two messages in round 0; allowed: one message per worker");
    assertThatThrownBy(() -> new FederatedDefense(false, 100, 10, 1).aggregate(twice,
        new AggregationContext(0, 0, 0, null))).hasMessage("sign-fd: n=0 workers; allowed: n >= 1");
  }

  @Test
  void meanDividesByTheMessagesItGets() {
    List<Message> two = List.of(new org.signsgd.message.DenseMessage(0, new float[] {1f}),
        new org.signsgd.message.DenseMessage(3, new float[] {2f}));
    assertThat(new Mean().aggregate(two, new AggregationContext(5, 1, 0, null)).toFloats()).containsExactly(1.5f);
  }

  /**
   * The agreements a round counts, word by word on bit planes, equal the definition coordinate by coordinate: a
   * worker agrees where its sign equals the decoded one and the decoded one is not 0 (or zeros agree); over d not
   * a multiple of 64, with zeros in messages and in the decoded signs, exact and decayed counts.
   */
  @Test
  void countedAgreementsEqualTheDefinitionPerCoordinate() {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(31);
    int q = 7;
    int d = 200;
    for (boolean zerosAgree : new boolean[] {false, true}) {
      for (double gamma : new double[] {1.0, 0.5}) {
        FederatedDefense fd = new FederatedDefense(false, 100, 10.0, gamma, false, zerosAgree);
        List<Message> messages = new ArrayList<>();
        int[][] signs = new int[q][d];
        for (int m = 0; m < q; m++) {
          for (int n = 0; n < d; n++) {
            // mostly +1, some -1 and 0, so that decoded signs of all three kinds occur (a tie decodes to 0)
            signs[m][n] = n % 5 == 0 ? (m < 3 ? 1 : m < 6 ? -1 : 0) : rng.nextInt(3) - 1;
          }
          messages.add(new SignMessage(m, SignVector.ofSigns(signs[m])));
        }
        ChunkStatefulRule.Finished f = fd.finish(messages, q, fd.shared(q, d), null, d);
        int[] decoded = ((Direction.Signs) f.direction()).signs().toSigns();
        assertThat(decoded).contains(-1, 0, 1);
        FederatedDefense.Counts counts = (FederatedDefense.Counts) f.state();
        for (int m = 0; m < q; m++) {
          long added = 0;
          for (int n = 0; n < d; n++) {
            int want = decoded[n] == signs[m][n] && (decoded[n] != 0 || zerosAgree) ? 1 : 0;
            added += want;
            assertThat(counts.get(m, n)).as("zeros agree %s, gamma %s, worker %d, n %d", zerosAgree, gamma, m, n)
                .isEqualTo(want);
          }
          assertThat(f.sums()[m]).as("worker %d's agreements added", m).isEqualTo(added);
        }
      }
    }
  }

  /**
   * Several rounds over d spanning three tiles of the rule's pass (the last word partial), through the initial phase
   * into per-coordinate weights, with a worker missing in some rounds and zeros in the messages: the decoded signs,
   * the counts, the agreements added and the mean weights equal the class comment's definitions computed one
   * coordinate at a time, in the messages' order; and a round leaves the counts it was given unchanged.
   */
  @Test
  void roundsOverSeveralTilesEqualTheDefinitionPerCoordinate() {
    int q = 6;
    int d = FederatedDefense.TILE_WORDS * 64 * 2 + 1000 + 13;
    int tIn = 3;
    double clip = 2.0;
    for (double gamma : new double[] {1.0, 0.75}) {
      java.util.SplittableRandom rng = new java.util.SplittableRandom(7);
      FederatedDefense fd = new FederatedDefense(false, tIn, clip, gamma);
      double[][] a = new double[q][d];
      double[] sums = new double[q];
      double total = 0;
      java.io.Serializable given = null;
      for (int r = 0; r < 6; r++) {
        List<Message> messages = new ArrayList<>();
        int[][] signs = new int[q][];
        // worker 4 sends nothing in rounds 2 and 4; the others send in a shuffled order
        List<Integer> order = new ArrayList<>(List.of(5, 0, 3, 1, 4, 2));
        java.util.Collections.rotate(order, r);
        for (int m : order) {
          if (m == 4 && (r == 2 || r == 4)) {
            continue;
          }
          signs[m] = new int[d];
          for (int n = 0; n < d; n++) {
            // workers 0-3 mostly agree (+1 three times in four), 4-5 are random, some zeros
            int draw = rng.nextInt(8);
            signs[m][n] = m < 4 ? (draw < 6 ? 1 : draw == 6 ? -1 : 0) : draw % 3 - 1;
          }
          messages.add(new SignMessage(m, SignVector.ofSigns(signs[m])));
        }
        // the definition, coordinate by coordinate
        double[] weight1 = new double[q];
        for (int m = 0; m < q; m++) {
          weight1[m] = r == 0 ? 1 : FederatedDefense.llr(sums[m] / (d * total), clip);
        }
        int[] decoded = new int[d];
        double[] weightSum = new double[q];
        for (int n = 0; n < d; n++) {
          double u = 0;
          for (Message msg : messages) {
            int m = msg.worker();
            double w = r < tIn ? weight1[m] : FederatedDefense.llr(a[m][n] / (total + FederatedDefense.EPSILON), clip);
            weightSum[m] += w;
            u += w * signs[m][n];
          }
          decoded[n] = u > 0 ? 1 : u < 0 ? -1 : 0;
        }
        long[] added = new long[q];
        for (int m = 0; m < q; m++) {
          for (int n = 0; n < d; n++) {
            int agree = signs[m] != null && signs[m][n] == decoded[n] ? 1 : 0;
            added[m] += agree;
            a[m][n] = gamma == 1 ? a[m][n] + agree : (float) (gamma * (float) a[m][n]) + agree;
          }
          sums[m] = gamma * sums[m] + added[m];
        }
        total = gamma * total + 1;

        byte[] before = given == null ? null : bytes(given);
        ChunkStatefulRule.Finished f = fd.finish(messages, q, fd.shared(q, d), given, d);
        if (given != null) {
          assertThat(bytes(given)).as("gamma %s round %d: the counts given are unchanged", gamma, r)
              .isEqualTo(before);
        }
        int[] got = ((Direction.Signs) f.direction()).signs().toSigns();
        assertThat(got).as("gamma %s round %d decoded", gamma, r).isEqualTo(decoded);
        if (r == 0) {
          assertThat(decoded).as("the plain vote's round decodes all three signs").contains(-1, 0, 1);
        }
        FederatedDefense.Counts counts = (FederatedDefense.Counts) f.state();
        for (int m = 0; m < q; m++) {
          for (int n = 0; n < d; n++) {
            if (counts.get(m, n) != a[m][n]) {
              assertThat(counts.get(m, n)).as("gamma %s round %d A[%d][%d]", gamma, r, m, n).isEqualTo(a[m][n]);
            }
          }
          boolean sent = signs[m] != null;
          assertThat(f.sums()[m]).as("round %d worker %d agreements", r, m).isEqualTo(sent ? added[m] : 0);
          assertThat(f.sums()[q + m]).as("round %d worker %d weights", r, m)
              .isEqualTo(!sent ? 0 : r < tIn ? weight1[m] : weightSum[m]);
          assertThat(f.sums()[2 * q + m]).isEqualTo(sent ? 1 : 0);
        }
        fd.advance(f.sums(), d);
        given = f.state();
      }
    }
  }

  /**
   * At round 65,535 a 16-bit count could overflow: the round reads the exact counts and writes float ones, each the
   * old count plus the agreement (Q = 3, d = 3, counts restored by hand: worker m has 60,000 + m at every n).
   */
  @Test
  void theRoundWhereExactCountsCouldOverflowCarriesThemIntoFloats() {
    FederatedDefense fd = new FederatedDefense(false, 100, 10.0, 1.0);
    float[][] restored = new float[3][3];
    for (int m = 0; m < 3; m++) {
      java.util.Arrays.fill(restored[m], 60_000 + m);
    }
    fd.restore(restored, 65_535, 65_535);
    // all three workers vote +1 at n = 0; worker 2 alone votes −1 at n = 1; worker 0 sends 0 at n = 2
    int[][] signs = {{1, 1, 0}, {1, 1, 1}, {1, -1, 1}};
    int[] decoded = decode(fd, signs, 65_535);
    assertThat(decoded).containsExactly(1, 1, 1);
    assertThat(fd.state()).isNotNull();
    FederatedDefense.Counts counts = ((FederatedDefense.State) fd.state()).whole();
    assertThat(counts.exact()).as("kept in float from this round on").isFalse();
    assertThat(counts.get(0, 0)).isEqualTo(60_001);
    assertThat(counts.get(2, 1)).isEqualTo(60_002);
    assertThat(counts.get(0, 2)).isEqualTo(60_000);
    assertThat(counts.get(1, 2)).isEqualTo(60_002);
    assertThat(fd.agreementSum(1)).isEqualTo(3 * 60_001 + 3);
  }

  private static byte[] bytes(java.io.Serializable value) {
    try (var out = new java.io.ByteArrayOutputStream(); var objects = new java.io.ObjectOutputStream(out)) {
      objects.writeObject(value);
      objects.flush();
      return out.toByteArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
