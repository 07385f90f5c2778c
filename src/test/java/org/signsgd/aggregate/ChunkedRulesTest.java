package org.signsgd.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.signsgd.spec.RuleSpec;

/**
 * A chunked rule run over three chunks of coordinates (partial sums per chunk, added, decided on, finished per chunk)
 * gives the rule on the whole vectors: the same selection, and the same direction up to the rounding of the sums'
 * order.
 */
class ChunkedRulesTest {
  private static final int N = 11;
  private static final int F = 2;
  private static final int[] CUTS = {0, 64, 128, 200};
  private static final int D = 200;

  @Test
  void threeChunksGiveTheWholeRule() {
    double[][] x = rows(new Random(7));
    x[9] = Arrays.stream(x[9]).map(v -> v * 40).toArray(); // an outlier, so the selections matter
    for (RuleSpec spec : List.of(new RuleSpec("krum", Map.of()), new RuleSpec("multi-krum", Map.of()),
        new RuleSpec("bulyan", Map.of()), new RuleSpec("bulyan", Map.of("variant", "lpd")),
        new RuleSpec("geometric-median", Map.of("iterations", 4)), new RuleSpec("nnm", Map.of()),
        new RuleSpec("nnm", Map.of("then", "krum")), new RuleSpec("nnm", Map.of("then", "geometric-median")),
        // norms about 14 (row 9: 570): c = 15 clips some rows and not others; ARC's k = ⌊2·2·9/11⌋ = 3 of them
        new RuleSpec("clipping", Map.of("c", 15)), new RuleSpec("clipping", Map.of("c", 15, "then", "krum")),
        new RuleSpec("arc", Map.of()), new RuleSpec("arc", Map.of("then", "bulyan")),
        new RuleSpec("nnm", Map.of("then", Map.of("name", "clipping", "c", 15))),
        new RuleSpec("clipping", Map.of("c", 15, "then", Map.of("name", "arc", "then", "median"))),
        // cosines do not see row 9's length (40 times the others'); clipped-clustering clips it (tau 5: every row)
        new RuleSpec("clustering", Map.of()), new RuleSpec("clustering", Map.of("linkage", "complete")),
        new RuleSpec("clipped-clustering", Map.of()), new RuleSpec("clipped-clustering", Map.of("tau", 5)),
        // every coordinate (the default fraction 1): the sign counts are sums too
        new RuleSpec("signguard", Map.of()), new RuleSpec("signguard", Map.of("lower", 0.5, "upper", 1.5)))) {
      DenseRule rule = (DenseRule) Rules.create(spec);
      ChunkedRule chunked = rule.chunked();
      assertThat(chunked).as(spec.toString()).isNotNull();
      assertThat(rule.shardable()).isTrue();
      double[] whole = rule.combine(x, F);
      double[] pieces = inChunks(chunked, x);
      assertThat(pieces).as(spec.toString()).hasSize(whole.length);
      for (int k = 0; k < whole.length; k++) {
        assertThat(pieces[k]).as(spec + " coordinate " + k).isCloseTo(whole[k], within(1e-12 * (1 + Math.abs(
            whole[k]))));
      }
    }
  }

  /**
   * Bucketing draws one permutation per round: bound to the round's stream ({@code forRound}), every chunk draws the
   * same one, the one the rule on whole vectors draws from the same stream, so three chunks give the whole rule;
   * nested in another step, or nesting one, it hands the stream on in the whole rule's order.
   */
  @Test
  void bucketingInChunksDrawsTheWholeRulesPermutation() {
    double[][] x = rows(new Random(5));
    x[3] = Arrays.stream(x[3]).map(v -> v * 40).toArray();
    for (RuleSpec spec : List.of(new RuleSpec("bucketing", Map.of()), new RuleSpec("bucketing", Map.of("s", 3,
        "then", "median")), new RuleSpec("bucketing", Map.of("then", Map.of("name", "nnm", "then",
        "geometric-median"))), new RuleSpec("nnm", Map.of("then", "bucketing")), new RuleSpec("bucketing",
        Map.of("then", Map.of("name", "bucketing", "then", "geometric-median"))),
        new RuleSpec("clipping", Map.of("c", 15, "then", Map.of("name", "bucketing", "then", "geometric-median"))))) {
      DenseRule rule = (DenseRule) Rules.create(spec);
      assertThat(rule.shardable()).as(spec.toString()).isTrue();
      for (long seed = 1; seed <= 3; seed++) {
        double[] whole = rule.combine(x, F, new Random(seed));
        long drawn = seed;
        double[] pieces = inChunks(rule.chunked(), c -> rule.chunked().forRound(new Random(drawn), CUTS[c], D), x);
        for (int k = 0; k < whole.length; k++) {
          assertThat(pieces[k]).as(spec + " seed " + seed + " coordinate " + k).isCloseTo(whole[k],
              within(1e-12 * (1 + Math.abs(whole[k]))));
        }
      }
      // another round's permutation gives another direction: the draws matter
      assertThat(inChunks(rule.chunked(), c -> rule.chunked().forRound(new Random(1), CUTS[c], D), x))
          .isNotEqualTo(inChunks(rule.chunked(), c -> rule.chunked().forRound(new Random(2), CUTS[c], D), x));
    }
  }

  /**
   * SignGuard on a fraction of the coordinates: the driver draws the b = ⌊0.3·200⌋ = 60 coordinates of d after the
   * pass of norms, from the round's stream (after bucketing's permutation when bucketing wraps it), and every chunk
   * counts the signs over the drawn coordinates it holds: the whole rule's kept set and direction. Rows 2 and 5 are
   * flipped on half the coordinates, so their sign features depend on which coordinates are drawn.
   */
  @Test
  void signguardOnAFractionDrawsTheWholeRulesCoordinates() {
    double[][] x = rows(new Random(17));
    x[9] = Arrays.stream(x[9]).map(v -> v * 40).toArray();
    for (int k = 0; k < D / 2; k++) {
      x[2][k] = -Math.abs(x[2][k]);
      x[5][k] = -Math.abs(x[5][k]);
    }
    Map<String, Object> half = Map.of("name", "signguard", "fraction", 0.3);
    for (RuleSpec spec : List.of(new RuleSpec("signguard", Map.of("fraction", 0.3)), new RuleSpec("nnm",
        Map.of("then", half)), new RuleSpec("clipping", Map.of("c", 15, "then", half)), new RuleSpec("bucketing",
        Map.of("then", half)), new RuleSpec("nnm", Map.of("then", Map.of("name", "bucketing", "then", half))))) {
      assertDrawsLikeTheWholeRule(spec, x);
    }
  }

  /**
   * DnC draws each round's coordinates of d from the round's stream: every chunk, bound to the same stream and its
   * place in d, draws the same ones and sums over those that fall in it, which gives the whole rule's good set.
   * Row 9 is 40 times longer (an outlier the scores see); rows 2 and 5 are flipped on half the coordinates.
   */
  @Test
  void dncInChunksDrawsTheWholeRulesCoordinates() {
    double[][] x = rows(new Random(13));
    x[9] = Arrays.stream(x[9]).map(v -> v * 40).toArray();
    for (int k = 0; k < D / 2; k++) {
      x[2][k] = -x[2][k];
      x[5][k] = -x[5][k];
    }
    // the default sub_dim (10,000 > d) takes every coordinate and draws nothing; the others draw
    for (RuleSpec spec : List.of(new RuleSpec("dnc", Map.of()), new RuleSpec("dnc", Map.of("sub_dim", 50,
        "iterations", 3)), new RuleSpec("dnc", Map.of("sub_dim", 7, "iterations", 2, "c", 2)),
        new RuleSpec("bucketing", Map.of("s", 1, "then", Map.of("name", "dnc", "sub_dim", 30))))) {
      assertDrawsLikeTheWholeRule(spec, x);
    }
  }

  @Test
  void statefulRulesShardTheirStateAndStepsOverOneToo() {
    assertThat(Rules.create(new RuleSpec("centered-clipping", Map.of())).chunkStateful()).isNotNull();
    assertThat(Rules.create(new RuleSpec("sign-fd", Map.of())).chunkStateful()).isNotNull();
    for (String step : List.of("nnm", "clipping", "arc", "bucketing")) {
      Aggregator overCc = Rules.create(new RuleSpec(step, Map.of("then", "centered-clipping")));
      assertThat(overCc.shardable()).as(step).isTrue();
      assertThat(overCc.chunked()).as(step).isNull();
      assertThat(overCc.chunkStateful()).as(step).isNotNull();
    }
    // signguard on a drawn fraction of the coordinates draws them on the driver, between its passes
    assertThat(Rules.create(new RuleSpec("signguard", Map.of("fraction", 0.5))).chunked()).isNotNull();
    assertThat(Rules.create(new RuleSpec("median", Map.of())).shardable()).isTrue();
    assertThat(Rules.create(new RuleSpec("median", Map.of())).chunked()).isNull();
  }

  /**
   * Centered clipping over three chunks, two rounds (the centre carried in each chunk's state, the norms summed over
   * the chunks for each of its L = 2 steps) gives the rule on whole vectors, which keeps its centre itself.
   */
  @Test
  void centeredClippingInChunksKeepsTheCentreOfTheWholeRule() {
    Random r = new Random(11);
    CenteredClipping whole = new CenteredClipping(3.0, 2);
    CenteredClipping chunked = new CenteredClipping(3.0, 2);
    java.io.Serializable[] states = new java.io.Serializable[CUTS.length - 1];
    for (int round = 0; round < 2; round++) {
      double[][] x = rows(r);
      double[] expected = whole.combine(x, F);
      List<org.signsgd.message.Message> messages = new java.util.ArrayList<>();
      Serializable decided = chunked.shared(N, x[0].length);
      for (int pass = 0; pass < chunked.passes(); pass++) {
        double[] sums = new double[N];
        for (int c = 0; c + 1 < CUTS.length; c++) {
          double[] p = chunked.partial(pass, messages(slice(x, c)), F, decided, states[c]);
          for (int i = 0; i < N; i++) {
            sums[i] += p[i];
          }
        }
        decided = chunked.decide(pass, sums, N, F, decided);
      }
      for (int c = 0; c + 1 < CUTS.length; c++) {
        ChunkStatefulRule.Finished done = chunked.finish(messages(slice(x, c)), N, F, decided, states[c],
            CUTS[c + 1] - CUTS[c]);
        states[c] = done.state();
        float[] part = done.direction().toFloats();
        for (int k = 0; k < part.length; k++) {
          assertThat((double) part[k]).as("round %d coordinate %d", round, CUTS[c] + k)
              .isCloseTo((float) expected[CUTS[c] + k], within(1e-5 * (1 + Math.abs(expected[CUTS[c] + k]))));
        }
      }
    }
  }

  /**
   * A pre-aggregation step over centered clipping, over three chunks and three rounds: the step's passes (NNM's
   * distances, the clipping norms), then on each chunk the step's vectors, on which centered clipping takes its
   * passes and its finish from the chunk's centre, give the chain on whole vectors, which keeps the centre in the
   * rule object (to the rounding of the sums' order: the step's vectors reach centered clipping as doubles; the
   * messages are floats, so the rows are rounded to floats for both).
   */
  @Test
  void stepsOverCenteredClippingInChunksKeepTheCentreOfTheWholeChain() {
    Map<String, Object> cc = Map.of("name", "centered-clipping", "tau", 3.0, "iterations", 2);
    for (RuleSpec spec : List.of(new RuleSpec("nnm", Map.of("then", cc)), new RuleSpec("clipping", Map.of("c", 15,
        "then", cc)), new RuleSpec("arc", Map.of("then", cc)), new RuleSpec("bucketing", Map.of("then", cc)),
        new RuleSpec("nnm", Map.of("then", Map.of("name", "bucketing", "then", cc))))) {
      Random r = new Random(19);
      DenseRule whole = (DenseRule) Rules.create(spec);
      Aggregator server = Rules.create(spec);
      java.io.Serializable[] states = new java.io.Serializable[CUTS.length - 1];
      for (int round = 0; round < 3; round++) {
        double[][] x = rows(r);
        x[9] = Arrays.stream(x[9]).map(v -> v * 40).toArray();
        for (double[] row : x) {
          for (int k = 0; k < row.length; k++) {
            row[k] = (float) row[k]; // what a message carries
          }
        }
        long seed = 100 + round;
        double[] expected = whole.combine(x, F, new Random(seed));
        ChunkStatefulRule driver = server.chunkStateful();
        Serializable decided = driver.shared(N, D);
        for (int pass = 0; pass < driver.passes(); pass++) {
          double[] sums = null;
          for (int c = 0; c + 1 < CUTS.length; c++) {
            double[] p = driver.forRound(new Random(seed), CUTS[c], D).partial(pass, messages(slice(x, c)), F,
                decided, states[c]);
            if (sums == null) {
              sums = p.clone();
            } else {
              for (int i = 0; i < sums.length; i++) {
                sums[i] += p[i];
              }
            }
          }
          decided = driver.forRound(new Random(seed), 0, D).decide(pass, sums, N, F, decided);
        }
        for (int c = 0; c + 1 < CUTS.length; c++) {
          ChunkStatefulRule.Finished done = driver.forRound(new Random(seed), CUTS[c], D).finish(messages(slice(x,
              c)), N, F, decided, states[c], CUTS[c + 1] - CUTS[c]);
          states[c] = done.state();
          double[] centre = (double[]) done.state(); // the direction's chunk, in double
          for (int k = 0; k < centre.length; k++) {
            assertThat(centre[k]).as("%s round %d coordinate %d", spec, round, CUTS[c] + k)
                .isCloseTo(expected[CUTS[c] + k], within(1e-12 * (1 + Math.abs(expected[CUTS[c] + k]))));
          }
        }
      }
    }
  }

  /**
   * signSGD-FD over three chunks, four rounds (phases 0, 1 and 2 at t_in = 2), each chunk keeping its own counts and
   * the rule Σ A, C and r: the same directions and the same worker weights as the rule on whole vectors (in phase 1
   * each worker's one weight, not one per chunk).
   */
  @Test
  void federatedDefenseInChunksHasTheWholeRulesDirectionsAndWeights() {
    Random r = new Random(5);
    FederatedDefense whole = new FederatedDefense(false, 2, 10, 1);
    FederatedDefense chunked = new FederatedDefense(false, 2, 10, 1);
    java.io.Serializable[] states = new java.io.Serializable[CUTS.length - 1];
    int d = CUTS[CUTS.length - 1];
    for (int round = 0; round < 4; round++) {
      int[][] signs = new int[N][d];
      for (int m = 0; m < N; m++) {
        for (int k = 0; k < d; k++) {
          signs[m][k] = m < 2 && round > 0 ? -1 : r.nextDouble() < 0.7 ? 1 : -1; // two steady dissenters
        }
      }
      List<org.signsgd.message.Message> all = new java.util.ArrayList<>();
      for (int m = 0; m < N; m++) {
        all.add(new org.signsgd.message.SignMessage(m, org.signsgd.vote.SignVector.ofSigns(signs[m])));
      }
      int[] expected = ((Direction.Signs) whole.aggregate(all, new AggregationContext(N, 0, round, null))).signs()
          .toSigns();
      Serializable shared = chunked.shared(N, d);
      double[] sums = null;
      for (int c = 0; c + 1 < CUTS.length; c++) {
        List<org.signsgd.message.Message> part = new java.util.ArrayList<>();
        for (int m = 0; m < N; m++) {
          part.add(new org.signsgd.message.SignMessage(m, org.signsgd.vote.SignVector.ofSigns(
              Arrays.copyOfRange(signs[m], CUTS[c], CUTS[c + 1]))));
        }
        ChunkStatefulRule.Finished done = chunked.finish(part, N, shared, states[c], CUTS[c + 1] - CUTS[c]);
        states[c] = done.state();
        assertThat(((Direction.Signs) done.direction()).signs().toSigns()).as("round %d chunk %d", round, c)
            .containsExactly(Arrays.copyOfRange(expected, CUTS[c], CUTS[c + 1]));
        if (sums == null) {
          sums = done.sums().clone();
        } else {
          for (int i = 0; i < sums.length; i++) {
            sums[i] += done.sums()[i];
          }
        }
      }
      chunked.advance(sums, d);
      double[] w = whole.lastWeights();
      double[] cw = chunked.lastWeights();
      for (int m = 0; m < N; m++) {
        assertThat(cw[m]).as("round %d worker %d", round, m).isCloseTo(w[m], within(1e-12 * (1 + Math.abs(w[m]))));
        assertThat(chunked.agreementSum(m)).isEqualTo(whole.agreementSum(m));
      }
    }
    assertThat(whole.lastWeights()[0]).isNegative(); // the dissenters are weighed down: the weights matter here
  }

  private static List<org.signsgd.message.Message> messages(double[][] x) {
    List<org.signsgd.message.Message> out = new java.util.ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      float[] v = new float[x[i].length];
      for (int k = 0; k < v.length; k++) {
        v[k] = (float) x[i][k];
      }
      out.add(new org.signsgd.message.DenseMessage(i, v));
    }
    return out;
  }

  /**
   * Over four rounds' streams (seeds 1 to 4): the rule in three chunks, every chunk and decision bound to the round's
   * stream, gives the rule on whole vectors that draws from it.
   */
  private static void assertDrawsLikeTheWholeRule(RuleSpec spec, double[][] x) {
    DenseRule rule = (DenseRule) Rules.create(spec);
    assertThat(rule.shardable()).as(spec.toString()).isTrue();
    for (long seed = 1; seed <= 4; seed++) {
      long drawn = seed;
      double[] whole = rule.combine(x, F, new Random(seed));
      double[] pieces = inChunks(rule.chunked(), c -> rule.chunked().forRound(new Random(drawn), CUTS[c], D), x);
      for (int k = 0; k < whole.length; k++) {
        assertThat(pieces[k]).as(spec + " seed " + seed + " coordinate " + k).isCloseTo(whole[k],
            within(1e-12 * (1 + Math.abs(whole[k]))));
      }
    }
  }

  private static double[] inChunks(ChunkedRule rule, double[][] x) {
    return inChunks(rule, c -> rule, x);
  }

  /**
   * The rule over the three chunks as the server runs it: every chunk's partial sums and finish come from
   * {@code bound}'s rule for that chunk, made afresh for each pass, and the driver decides with chunk 0's, made afresh
   * for each decision (bound to d from its start).
   */
  private static double[] inChunks(ChunkedRule rule, java.util.function.IntFunction<ChunkedRule> bound,
      double[][] x) {
    Serializable decided = null;
    for (int pass = 0; pass < rule.passes(); pass++) {
      double[] sums = null;
      for (int c = 0; c + 1 < CUTS.length; c++) {
        double[] p = bound.apply(c).partial(pass, slice(x, c), F, decided);
        if (sums == null) {
          sums = p.clone();
        } else {
          for (int i = 0; i < sums.length; i++) {
            sums[i] += p[i];
          }
        }
      }
      decided = bound.apply(0).decide(pass, sums, N, F, decided); // the driver's rule, bound as the server binds it
    }
    double[] out = new double[CUTS[CUTS.length - 1]];
    for (int c = 0; c + 1 < CUTS.length; c++) {
      double[] part = bound.apply(c).finish(slice(x, c), F, decided);
      System.arraycopy(part, 0, out, CUTS[c], part.length);
    }
    return out;
  }

  private static double[][] slice(double[][] x, int c) {
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = Arrays.copyOfRange(x[i], CUTS[c], CUTS[c + 1]);
    }
    return out;
  }

  private static double[][] rows(Random r) {
    double[][] x = new double[N][CUTS[CUTS.length - 1]];
    for (double[] row : x) {
      for (int k = 0; k < row.length; k++) {
        row[k] = r.nextGaussian();
      }
    }
    return x;
  }
}
