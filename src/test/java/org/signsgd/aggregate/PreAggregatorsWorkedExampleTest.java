package org.signsgd.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.job.JobException;
import org.signsgd.job.JobFile;
import org.signsgd.job.JobSpec;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;
import org.signsgd.rng.SeedStreams;
import org.signsgd.spec.RuleSpec;
import org.signsgd.train.InProcessEngine;
import org.signsgd.train.IterationRow;
import org.signsgd.train.TestJobs;

/**
 * Worked examples for the pre-aggregators (docs/pre-aggregators.md): bucketing, static clipping and ARC, each
 * computed by hand in the comments; the inner rule's parameters passed through {@code then: {...}}, checked by the
 * inner rule's own entry, echoed in the run's settings and in its run id; nesting.
 */
class PreAggregatorsWorkedExampleTest {
  private static final double TOL = 1e-9;

  @TempDir
  Path dir;

  private static DenseRule rule(String name, Map<String, Object> params) {
    return (DenseRule) Rules.create(new RuleSpec(name, params));
  }

  private static void assertVector(double[] actual, double... expected) {
    assertThat(actual).hasSize(expected.length);
    for (int k = 0; k < expected.length; k++) {
      assertThat(actual[k]).as("coordinate %d of %s", k, Arrays.toString(actual)).isCloseTo(expected[k],
          within(TOL));
    }
  }

  private static void assertRows(double[][] actual, double[][] expected, double tol) {
    assertThat(actual).hasDimensions(expected.length, expected[0].length);
    for (int i = 0; i < expected.length; i++) {
      for (int k = 0; k < expected[i].length; k++) {
        assertThat(actual[i][k]).as("row %d coordinate %d", i, k).isCloseTo(expected[i][k], within(tol));
      }
    }
  }

  private static List<Message> dense(double[][] x) {
    List<Message> out = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      float[] v = new float[x[i].length];
      for (int k = 0; k < v.length; k++) {
        v[k] = (float) x[i][k];
      }
      out.add(new DenseMessage(i, v));
    }
    return out;
  }

  /** The stream a run with seed {@code seed} gives the rule at iteration 0 (the server's chunk 0). */
  private static AggregationContext ctx(int n, int f, long seed) {
    return new AggregationContext(n, f, 0, SeedStreams.of(seed, 0, SeedStreams.DRIVER, SeedStreams.Purpose.TIE));
  }

  // ---- static clipping ----

  /** n = 4, d = 2: norms 5, 1, √2, 10. */
  static final double[][] C = {{3, 4}, {0, 1}, {1, 1}, {-6, 8}};

  @Test
  void clippingScalesEveryVectorAboveC() {
    // c = 2 (default): (3, 4)·2/5 = (1.2, 1.6); (0, 1) and (1, 1) unchanged (norms 1, 1.414 ≤ 2);
    // (−6, 8)·2/10 = (−1.2, 1.6)
    StaticClipping clipping = (StaticClipping) rule("clipping", Map.of());
    assertRows(clipping.preAggregate(C, 1, null), new double[][] {{1.2, 1.6}, {0, 1}, {1, 1}, {-1.2, 1.6}}, TOL);
    // then mean: ((1.2 + 0 + 1 − 1.2)/4, (1.6 + 1 + 1 + 1.6)/4) = (0.25, 1.3)
    assertVector(clipping.combine(C, 1), 0.25, 1.3);
    // then median (f = 1, n = 4 ≥ 3): x sorted −1.2, 0, 1, 1.2 → (0 + 1)/2 = 0.5; y sorted 1, 1, 1.6, 1.6 → 1.3
    assertVector(rule("clipping", Map.of("then", "median")).combine(C, 1), 0.5, 1.3);
    // c = 5: (3, 4) has norm exactly 5 and stays; (−6, 8)·5/10 = (−3, 4); mean ((3 + 0 + 1 − 3)/4,
    // (4 + 1 + 1 + 4)/4) = (0.25, 2.5)
    assertVector(rule("clipping", Map.of("c", 5)).combine(C, 1), 0.25, 2.5);
    // the input is untouched
    assertThat(C[0]).containsExactly(3, 4);
    assertThat(C[3]).containsExactly(-6, 8);
  }

  /**
   * The same example cut into two chunks of one coordinate each, as the server runs it chunk by chunk: pass 0's
   * sums of squares per chunk, (9, 0, 1, 36) and (16, 1, 1, 64), add to (25, 1, 2, 100): norms 5, 1, √2, 10 and
   * factors 2/5, 1, 1, 2/10. Chunk 0 finishes to the mean of 3·0.4, 0, 1 and −6·0.2 = 0.25, chunk 1 to the mean of
   * 4·0.4, 1, 1 and 8·0.2 = 1.3: the direction of the whole vectors.
   */
  @Test
  void clippingRunsChunkByChunk() {
    ChunkedRule clipping = rule("clipping", Map.of()).chunked();
    assertThat(clipping.passes()).isEqualTo(1);
    double[][] first = {{3}, {0}, {1}, {-6}};
    double[][] second = {{4}, {1}, {1}, {8}};
    assertThat(clipping.partial(0, first, 1, null)).containsExactly(9, 0, 1, 36);
    assertThat(clipping.partial(0, second, 1, null)).containsExactly(16, 1, 1, 64);
    java.io.Serializable decided = clipping.decide(0, new double[] {25, 1, 2, 100}, 4, 1, null);
    assertVector(clipping.finish(first, 1, decided), 0.25);
    assertVector(clipping.finish(second, 1, decided), 1.3);
    // ARC over the same chunks, f = 1: k = ⌊2·(1/4)·3⌋ = 1 clips the largest norm (10) to the next (5): factor 1/2;
    // chunk 0: mean of 3, 0, 1, −3 = 0.25; chunk 1: mean of 4, 1, 1, 4 = 2.5
    ChunkedRule arc = rule("arc", Map.of()).chunked();
    java.io.Serializable arcs = arc.decide(0, new double[] {25, 1, 2, 100}, 4, 1, null);
    assertVector(arc.finish(first, 1, arcs), 0.25);
    assertVector(arc.finish(second, 1, arcs), 2.5);
  }

  /** ByzFL's documented example for {@code Clipping(2.0)}: ‖(1, 2, 3)‖ = √14, so (1, 2, 3)·2/√14, and so on. */
  @Test
  void clippingMatchesByzflsExample() {
    double[][] x = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
    double[][] expected = {{0.53452248, 1.06904497, 1.60356745}, {0.91168461, 1.13960576, 1.36752692},
        {1.00514142, 1.14873305, 1.29232469}};
    assertRows(((StaticClipping) rule("clipping", Map.of())).preAggregate(x, 0, null), expected, 1e-8);
  }

  // ---- ARC ----

  /** n = 6, d = 2: norms 1, 10, 2, 5, 20, 3. */
  static final double[][] A = {{0, 1}, {6, 8}, {2, 0}, {-4, 3}, {12, -16}, {0, -3}};

  @Test
  void arcClipsTheKLargestToTheNextNorm() {
    // f = 2: k = ⌊2·(2/6)·(6 − 2)⌋ = ⌊16/6⌋ = ⌊2.67⌋ = 2; norms in decreasing order 20, 10, 5, 3, 2, 1: the two
    // largest (x_4, x_1) are clipped to the third, 5: x_4·5/20 = (3, −4), x_1·5/10 = (3, 4)
    assertThat(AdaptiveRobustClipping.clippedCount(6, 2)).isEqualTo(2);
    AdaptiveRobustClipping arc = (AdaptiveRobustClipping) rule("arc", Map.of());
    assertRows(arc.preAggregate(A, 2, null), new double[][] {{0, 1}, {3, 4}, {2, 0}, {-4, 3}, {3, -4}, {0, -3}},
        TOL);
    // then mean: ((0 + 3 + 2 − 4 + 3 + 0)/6, (1 + 4 + 0 + 3 − 4 − 3)/6) = (4/6, 1/6)
    assertVector(arc.combine(A, 2), 0.6666666667, 0.1666666667);
    // then median (f = 2, n = 6 ≥ 5): x sorted −4, 0, 0, 2, 3, 3 → (0 + 2)/2 = 1; y sorted −4, −3, 0, 1, 3, 4
    // → (0 + 1)/2 = 0.5
    assertVector(rule("arc", Map.of("then", "median")).combine(A, 2), 1, 0.5);
    // f = 1: k = ⌊2·(1/6)·5⌋ = ⌊1.67⌋ = 1: only x_4 is clipped, to 10: (6, −8); mean x (0+6+2−4+6+0)/6 = 10/6,
    // y (1 + 8 + 0 + 3 − 8 − 3)/6 = 1/6
    assertVector(arc.combine(A, 1), 1.6666666667, 0.1666666667);
    // f = 0: k = 0, nothing clipped: the plain mean ((0+6+2−4+12+0)/6, (1+8+0+3−16−3)/6) = (16/6, −7/6)
    assertVector(arc.combine(A, 0), 2.6666666667, -1.1666666667);
  }

  @Test
  void arcsCountIsTheFloorOfThePapersFormula() {
    for (int n = 1; n <= 40; n++) {
      for (int f = 0; f < n; f++) {
        int k = AdaptiveRobustClipping.clippedCount(n, f);
        assertThat(k).as("n=%d f=%d", n, f).isEqualTo((int) Math.floor(2.0 * f / n * (n - f) + 1e-12))
            .isLessThan(n);
      }
    }
  }

  /** Equal norms: which of them counts as "largest" does not matter, clipping to one's own norm changes nothing. */
  @Test
  void arcTiesChangeNothing() {
    // n = 4, f = 1: k = ⌊2·(1/4)·3⌋ = 1; norms 5, 5, 1, 1: the largest is clipped to the second largest, 5 = itself
    double[][] x = {{3, 4}, {4, 3}, {0, 1}, {1, 0}};
    assertRows(((AdaptiveRobustClipping) rule("arc", Map.of())).preAggregate(x, 1, null), x, 0);
  }

  /**
   * ByzFL's documented example for {@code ARC(1)}: n = 3, k = ⌊2·(1/3)·2⌋ = 1, so (7, 8, 9) (norm √194) is clipped to
   * ‖(4, 5, 6)‖ = √77: (7, 8, 9)·√(77/194).
   */
  @Test
  void arcMatchesByzflsExample() {
    double[][] x = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
    double[][] expected = {{1, 2, 3}, {4, 5, 6}, {4.41004009, 5.04004582, 5.67005155}};
    assertRows(((AdaptiveRobustClipping) rule("arc", Map.of())).preAggregate(x, 1, null), expected, 1e-8);
  }

  // ---- bucketing ----

  /** n = 5, d = 2, small integers (exact in the float messages). */
  static final double[][] B = {{0, 0}, {2, 4}, {4, -2}, {6, 2}, {8, 8}};

  @Test
  void bucketingDrawsItsPermutationFromTheRoundsStream() {
    // Fisher–Yates on the stream of seed 1, iteration 0: π = (2, 0, 1, 3, 4); seed 2 gives (4, 3, 0, 2, 1)
    assertThat(Bucketing.permutation(5, ctx(5, 1, 1).rng())).containsExactly(2, 0, 1, 3, 4);
    assertThat(Bucketing.permutation(5, ctx(5, 1, 2).rng())).containsExactly(4, 3, 0, 2, 1);
    // s = 2: ⌈5/2⌉ = 3 buckets. Seed 1: {x_2, x_0} → (2, −1), {x_1, x_3} → (4, 3), {x_4} → (8, 8)
    Bucketing bucketing = (Bucketing) rule("bucketing", Map.of());
    assertRows(bucketing.preAggregate(B, 1, ctx(5, 1, 1).rng()), new double[][] {{2, -1}, {4, 3}, {8, 8}}, 0);
    // then mean: ((2 + 4 + 8)/3, (−1 + 3 + 8)/3) = (14/3, 10/3), not the plain mean (20/5, 12/5) = (4, 2.4)
    float[] mean = bucketing.aggregate(dense(B), ctx(5, 1, 1)).toFloats();
    assertThat(mean[0]).isCloseTo(4.6666667f, within(1e-6f));
    assertThat(mean[1]).isCloseTo(3.3333333f, within(1e-6f));
    // then median (f = 1 on 3 buckets: 3 ≥ 2f + 1): x 2, 4, 8 → 4; y −1, 3, 8 → 3
    DenseRule median = rule("bucketing", Map.of("then", "median"));
    assertThat(median.aggregate(dense(B), ctx(5, 1, 1)).toFloats()).containsExactly(4f, 3f);
    // seed 2: {x_4, x_3} → (7, 5), {x_0, x_2} → (2, −1), {x_1} → (2, 4); median x 2, 2, 7 → 2; y −1, 4, 5 → 4
    assertThat(median.aggregate(dense(B), ctx(5, 1, 2)).toFloats()).containsExactly(2f, 4f);
    // s = 5: one bucket, the mean of all; s = 1: five buckets of one, a permutation: the median is the plain one
    assertThat(rule("bucketing", Map.of("s", 5)).aggregate(dense(B), ctx(5, 0, 1)).toFloats())
        .containsExactly(4f, 2.4f);
    assertThat(rule("bucketing", Map.of("s", 1, "then", "median")).aggregate(dense(B), ctx(5, 1, 2)).toFloats())
        .containsExactly(4f, 2f);
    // the same stream gives the same buckets: deterministic
    assertThat(median.aggregate(dense(B), ctx(5, 1, 2)).toFloats()).containsExactly(2f, 4f);
  }

  @Test
  void bucketingChecksTheInnerRuleOnTheBucketsAndNeedsTheStream() {
    // n = 9, s = 2: ⌈9/2⌉ = 5 buckets; the median tolerates f ≤ 2 of 5, with the same f
    rule("bucketing", Map.of("then", "median")).checkRequirement(9, 2);
    assertThatThrownBy(() -> rule("bucketing", Map.of("then", "median")).checkRequirement(9, 3))
        .hasMessage("bucketing: s=2 makes 5 buckets of n=9; then: median: n=5 with f=3; allowed: n >= 2f + 1, "
            + "i.e. f <= 2");
    assertThatThrownBy(() -> rule("bucketing", Map.of("s", 0)))
        .hasMessage("bucketing: parameter s is 0; allowed: an integer in [1, 2147483647]");
    assertThatThrownBy(() -> rule("bucketing", Map.of()).combine(B, 1)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the round's stream");
  }

  // ---- the inner rule's parameters: then: {name: ..., ...} ----

  /** n = 5, d = 2, f = 1; x_4 far from the others. */
  static final double[][] K = {{-1, 1}, {1, -3}, {-1, -3}, {3, 3}, {7, -2}};

  /**
   * NNM (f = 1: each x_i mixed with its 4 nearest, i.e. all but its farthest). Squared distances: x_0: 20, 16, 20,
   * 73 (farthest x_4); x_1: 20, 4, 40, 37 (x_3); x_2: 16, 4, 52, 65 (x_4); x_3: 20, 40, 52, 41 (x_2); x_4: 73, 37,
   * 65, 41 (x_0). Mixed: y_0 = (x_0+x_1+x_2+x_3)/4 = (2, −2)/4, y_1 = (6, −7)/4, y_2 = (2, −2)/4, y_3 = (10, −1)/4,
   * y_4 = (10, −5)/4. Their squared distances times 16: y_0: 41, 0, 65, 73; y_1: 41, 41, 52, 20; y_2 = y_0;
   * y_3: 65, 52, 65, 16; y_4: 73, 20, 73, 16.
   * Krum with the paper's k = n − f − 2 = 2 (times 16): 41, 61, 41, 68, 36 → y_4 = (2.5, −1.25).
   * ByzFL's NNM + Krum, k = n − f − 1 = 3 neighbours: 106, 102, 106, 133, 109 → y_1 = (1.5, −1.75).
   */
  @Test
  void nnmPassesKrumsNeighboursThroughThen() {
    assertVector(rule("nnm", Map.of("then", "krum")).combine(K, 1), 2.5, -1.25);
    DenseRule byzfl = rule("nnm", Map.of("then", Map.of("name", "krum", "neighbours", 3)));
    assertVector(byzfl.combine(K, 1), 1.5, -1.75);
    // a second computation: NNM's mixed rows into a Krum made with 3 neighbours directly
    double[][] mixed = ((NearestNeighbourMixing) rule("nnm", Map.of())).preAggregate(K, 1, null);
    assertRows(mixed, new double[][] {{0.5, -0.5}, {1.5, -1.75}, {0.5, -0.5}, {2.5, -0.25}, {2.5, -1.25}}, TOL);
    assertThat(new Krum(false, 3, true, 0).scores(mixed, 1)).containsExactly(106 / 16.0, 102 / 16.0, 106 / 16.0,
        133 / 16.0, 109 / 16.0);
    // the inner rule's requirement is checked with its parameters: 4 neighbours of 5 is the most
    rule("nnm", Map.of("then", Map.of("name", "krum", "neighbours", 4))).checkRequirement(5, 1);
    assertThatThrownBy(() -> rule("nnm", Map.of("then", Map.of("name", "krum", "neighbours", 5)))
        .checkRequirement(5, 1)).hasMessage("nnm: then: krum: neighbours=5 with n=5; allowed: 1 <= neighbours <= n - 1");
  }

  @Test
  void theInnerRulesParametersAreCheckedByItsEntryInOneLine() {
    assertThatThrownBy(() -> rule("nnm", Map.of("then", Map.of("name", "krum", "neighbors", 3))))
        .hasMessage("nnm: then: krum: unknown parameter 'neighbors' (did you mean 'neighbours'?); allowed: "
            + "neighbours, squared");
    assertThatThrownBy(() -> rule("clipping", Map.of("then", Map.of("name", "trimmed-mean", "b", -1))))
        .hasMessage("clipping: then: trimmed-mean: parameter b is -1; allowed: an integer in [0, 2147483647]");
    assertThatThrownBy(() -> rule("arc", Map.of("then", "krumm")))
        .hasMessageStartingWith("arc: then: unknown aggregator 'krumm' (did you mean 'krum'?); allowed: ");
    assertThatThrownBy(() -> rule("nnm", Map.of("then", Map.of("neighbours", 3))))
        .hasMessage("nnm: parameter then is {neighbours=3}; allowed: a dense rule's name, or {name: RULE, ...its "
            + "parameters}");
    assertThatThrownBy(() -> rule("bucketing", Map.of("then", "majority-vote")))
        .hasMessage("bucketing: parameter then is majority-vote, a rule of sign messages; allowed: a dense rule's "
            + "name, or {name: RULE, ...its parameters}");
    // two levels down: each level names itself
    assertThatThrownBy(() -> rule("bucketing", Map.of("then", Map.of("name", "nnm", "then", Map.of("name", "krum",
        "neighbors", 3))))).hasMessage("bucketing: then: nnm: then: krum: unknown parameter 'neighbors' (did you "
            + "mean 'neighbours'?); allowed: neighbours, squared");
  }

  @Test
  void theEchoedParametersIncludeTheInnerRulesAndNestingWorks() {
    assertThat(Rules.build(new RuleSpec("nnm", Map.of("then", Map.of("name", "krum", "neighbours", 3)))).params())
        .isEqualTo(Map.of("then", Map.of("name", "krum", "neighbours", 3, "squared", true)));
    assertThat(Rules.build(new RuleSpec("bucketing", Map.of())).params())
        .isEqualTo(Map.of("s", 2, "then", Map.of("name", "mean")));
    assertThat(Rules.build(new RuleSpec("nnm", Map.of("then", "krum"))).params())
        .isEqualTo(Map.of("then", Map.of("name", "krum", "neighbours", "auto", "squared", true)));
    // bucketing (s = 1: buckets of one, a permutation of K) then nnm then Krum with 3 neighbours: NNM and Krum do
    // not depend on the order (no ties in K), so the result is the one above, y_1 = (1.5, −1.75)
    Map<String, Object> chain = Map.of("s", 1, "then", Map.of("name", "nnm", "then", Map.of("name", "krum",
        "neighbours", 3)));
    assertThat(Rules.build(new RuleSpec("bucketing", chain)).params()).isEqualTo(Map.of("s", 1, "then",
        Map.of("name", "nnm", "then", Map.of("name", "krum", "neighbours", 3, "squared", true))));
    Bucketing nested = (Bucketing) rule("bucketing", chain);
    assertThat(((PreAggregator) nested.then()).then()).isInstanceOf(Krum.class);
    for (long seed = 1; seed <= 3; seed++) {
      assertVector(nested.combine(K, 1, ctx(5, 1, seed).rng()), 1.5, -1.75);
    }
    // clipping (c = 2) then ARC then the median, on C with f = 1: clipped rows (1.2, 1.6), (0, 1), (1, 1),
    // (−1.2, 1.6) with norms 2, 1, √2, 2; ARC's k = ⌊2·(1/4)·3⌋ = 1 clips a largest to the next, 2: nothing
    // changes; the median is the one above, (0.5, 1.3)
    assertVector(rule("clipping", Map.of("then", Map.of("name", "arc", "then", "median"))).combine(C, 1), 0.5, 1.3);
    assertThat(rule("nnm", Map.of("then", Map.of("name", "clipping", "c", 1))).shardable()).isTrue();
    assertThat(rule("nnm", Map.of("then", Map.of("name", "clipping", "then", "bucketing"))).shardable()).isTrue();
    assertThat(rule("nnm", Map.of("then", Map.of("name", "bucketing", "then", Map.of("name", "signguard", "fraction",
        0.5)))).shardable()).isTrue();
    assertThat(rule("nnm", Map.of("then", Map.of("name", "bucketing", "then", "centered-clipping"))).shardable())
        .isTrue();
  }

  /** A stateful inner rule's state is the pre-aggregator's: resume points keep centered clipping's centre. */
  @Test
  void aStatefulInnerRulesStateTravelsWithThePreAggregator() {
    DenseRule nnmCc = rule("nnm", Map.of("then", Map.of("name", "centered-clipping", "tau", 2)));
    assertThat(nnmCc.stateful()).isTrue();
    assertThat(nnmCc.state()).isNull();
    double[] first = nnmCc.combine(K, 1);
    assertThat((double[]) nnmCc.state()).containsExactly(first);
    DenseRule resumed = rule("nnm", Map.of("then", Map.of("name", "centered-clipping", "tau", 2)));
    resumed.restoreState(nnmCc.state());
    assertVector(resumed.combine(K, 1), nnmCc.combine(K, 1));
    assertThat(rule("arc", Map.of()).stateful()).isFalse();
  }

  // ---- in a job file ----

  private static final String JOB = """
      name: t
      model: {name: quadratic, dim: 10}
      workers: 5
      byzantine: 1
      attack: none
      iterations: 5
      """;

  private JobSpec load(String yaml, String... overrides) throws Exception {
    Path f = dir.resolve("job.yaml");
    Files.writeString(f, yaml);
    return JobFile.load(f, List.of(overrides)).get(0);
  }

  @Test
  void theInnerRulesParametersChangeTheRunIdAndAreInTheRunsSettings() throws Exception {
    JobSpec three = load(JOB + "aggregator: {name: nnm, then: {name: krum, neighbours: 3}}\n");
    JobSpec two = load(JOB + "aggregator: {name: nnm, then: {name: krum, neighbours: 2}}\n");
    JobSpec bare = load(JOB + "aggregator: {name: nnm, then: krum}\n");
    assertThat(three.runId()).isNotEqualTo(two.runId()).isNotEqualTo(bare.runId());
    assertThat(two.runId()).isNotEqualTo(bare.runId());
    assertThat(three.json()).contains("\"aggregator\":{\"name\":\"nnm\",\"then\":{\"name\":\"krum\",\"neighbours\":3,"
        + "\"squared\":true}}");
    assertThat(bare.json()).contains("\"aggregator\":{\"name\":\"nnm\",\"then\":{\"name\":\"krum\",\"neighbours\":"
        + "\"auto\",\"squared\":true}}");
    // --set reaches into then: a name there becomes {name: krum, neighbours: 3}, the same run as the file's
    JobSpec set = load(JOB + "aggregator: {name: nnm, then: krum}\n", "aggregator.then.neighbours=3");
    assertThat(set.json()).isEqualTo(three.json());
    assertThat(set.runId()).isEqualTo(three.runId());
    // a nested chain loads, and its inner requirement is the job's one-line error
    assertThat(load(JOB + "aggregator: {name: bucketing, s: 1, then: {name: nnm, then: median}}\n").json())
        .contains("\"aggregator\":{\"name\":\"bucketing\",\"s\":1,\"then\":{\"name\":\"nnm\",\"then\":{\"mode\":"
            + "\"average\",\"name\":\"median\"}}}");
  }

  @Test
  void badInputInsideThenIsTheJobsOneLineError() {
    assertThatThrownBy(() -> load(JOB + "aggregator: {name: nnm, then: {name: krum, neighbors: 3}}\n"))
        .isInstanceOf(JobException.class).hasMessageEndingWith(": aggregator: nnm: then: krum: unknown parameter "
            + "'neighbors' (did you mean 'neighbours'?); allowed: neighbours, squared")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThatThrownBy(() -> load(JOB.replace("byzantine: 1", "byzantine: 2")
        + "aggregator: {name: bucketing, then: median}\n")).isInstanceOf(JobException.class)
        .hasMessageEndingWith(": aggregator: bucketing: s=2 makes 3 buckets of n=5; then: median: n=3 with f=2; "
            + "allowed: n >= 2f + 1, i.e. f <= 1");
  }

  /** Every chain shards, over centered clipping too (its centre per chunk, the steps' passes before its own). */
  @Test
  void shardedAggregationTakesEveryChain() throws Exception {
    for (String rule : new String[] {"{name: arc, then: centered-clipping}", "{name: nnm, then: {name: nnm, then: "
        + "centered-clipping}}", "{name: bucketing, then: {name: clipping, then: centered-clipping}}",
        "{name: clipping, then: {name: signguard, fraction: 0.5}}"}) {
      assertThat(load(JOB + "aggregator: " + rule + "\naggregation: sharded\n").aggregation()).as(rule)
          .isEqualTo("sharded");
    }
  }

  /**
   * A whole run through the server (in process): bucketing draws from the round's stream, so the same job gives the
   * same rows; the chain (5 buckets, then ARC, NNM and the median with f = 2) descends on the quadratic under ALIE (f(x0) = ½·20 = 10).
   */
  @Test
  void aChainRunsInAJobDeterministically() throws Exception {
    String job = """
        name: chain
        seed: 4
        model: {name: quadratic, dim: 20, noise_std: 1.0, x0: 1.0}
        workers: 9
        byzantine: 2
        attack: {name: alie}
        aggregator: {name: bucketing, then: {name: arc, then: {name: nnm, then: median}}}
        iterations: 30
        lr: {schedule: constant, initial: 0.05}
        engine: inprocess
        """;
    List<IterationRow> once = TestJobs.timeless(TestJobs.run(new InProcessEngine(), load(job)));
    List<IterationRow> again = TestJobs.timeless(TestJobs.run(new InProcessEngine(), load(job)));
    assertThat(again).isEqualTo(once);
    assertThat(once.get(0).trainLoss()).isEqualTo(10.0);
    assertThat(once.get(29).trainLoss()).isLessThan(5.0);
  }

  /**
   * A randomised rule inside a pre-aggregator draws from the round's stream, not from a fixed one: clipping (with a
   * bound no vector reaches) over dnc with one sampled coordinate of 3 gives, seed by seed, what dnc gives with that
   * seed's stream; each coordinate has its own outlier (rows 4, 3, 2), so the seeds do not all give one answer.
   */
  @Test
  void theRoundsStreamReachesARandomisedRuleInsideAPreAggregator() {
    double[][] x = {{0, 0, 0}, {1, 1, 1}, {0, 1, 30}, {1, 30, 0}, {30, 0, 1}};
    PreAggregator clip = (PreAggregator) rule("clipping", Map.of("c", 1e12, "then", Map.of("name", "dnc",
        "sub_dim", 1)));
    DenseRule dnc = rule("dnc", Map.of("sub_dim", 1));
    java.util.Set<List<Double>> seen = new java.util.HashSet<>();
    for (long seed = 1; seed <= 8; seed++) {
      double[] chained = clip.combine(x, 1, ctx(5, 1, seed).rng());
      assertThat(chained).as("seed " + seed).containsExactly(dnc.combine(x, 1, ctx(5, 1, seed).rng()));
      seen.add(Arrays.stream(chained).boxed().toList());
    }
    assertThat(seen).hasSizeGreaterThan(1);
  }

  /** ⌈n/s⌉ without overflow: s at its largest makes one bucket of all n (the mean), not a negative count. */
  @Test
  void aHugeBucketSizeMakesOneBucket() {
    Bucketing one = (Bucketing) rule("bucketing", Map.of("s", Integer.MAX_VALUE));
    assertThat(one.count(2)).isEqualTo(1);
    assertThat(one.count(7)).isEqualTo(1);
    assertThat(((Bucketing) rule("bucketing", Map.of("s", 2))).count(5)).isEqualTo(3);
  }
}
