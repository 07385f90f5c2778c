package org.signsgd.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;
import org.signsgd.rng.SeedStreams;
import org.signsgd.spec.RuleSpec;

/** Worked examples for dnc, signguard, clustering and clipped-clustering (docs/aggregators.md), to 1e-9. */
class BladesRulesWorkedExampleTest {
  private static final double TOL = 1e-9;

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

  private static java.util.random.RandomGenerator stream(long seed) {
    return SeedStreams.of(seed, 0, SeedStreams.DRIVER, SeedStreams.Purpose.TIE);
  }

  private static double[][] with(double[][] x, double[] row) {
    double[][] out = Arrays.copyOf(x, x.length + 1);
    out[x.length] = row;
    return out;
  }

  private static final double[] NAN_ROW = {Double.NaN, 1, 2};

  // ---------------------------------------------------------------- dnc

  /** n = 5, d = 2, x_4 the outlier. */
  static final double[][] DNC = {{2, 2}, {0, 2}, {1, 3}, {1, 1}, {11, 12}};

  @Test
  void dncScoresAndGoodSet() {
    // μ = (15/5, 20/5) = (3, 4); centred rows (−1,−2), (−3,−2), (−2,−1), (−2,−3), (8,8);
    // CᵀC = [[1+9+4+4+64, 2+6+2+6+64], [.., 4+4+1+9+64]] = [[82, 80], [80, 82]]: eigenvalues 162 and 2,
    // top right singular vector v = (1, 1)/√2; s_i = (c_i1 + c_i2)²/2 = 9/2, 25/2, 9/2, 25/2, 256/2
    assertVector(DivideAndConquer.scores(DNC, new int[] {0, 1, 2, 3, 4}, new int[] {0, 1}), 4.5, 12.5, 4.5, 12.5,
        128);
    // f = 1, c = 1: drop the ⌊1⌋ highest (x_4); mean of x_0..x_3 = ((2+0+1+1)/4, (2+2+3+1)/4) = (1, 2),
    // also Blades' value (one round: union and intersection agree; b = d, so no draw matters)
    assertVector(rule("dnc", Map.of()).combine(DNC, 1), 1, 2);
    // f = 2, c = 0.5: ⌊1⌋ dropped again: (1, 2); f = 2, c = 1.5: ⌊3⌋ dropped, x_0 and x_2 (4.5) kept: (1.5, 2.5)
    assertVector(rule("dnc", Map.of("c", 0.5)).combine(DNC, 2), 1, 2);
    assertVector(rule("dnc", Map.of("c", 1.5)).combine(DNC, 2), 1.5, 2.5);
    // the plain mean would be (3, 4): the filter matters
  }

  @Test
  void dncEqualScoresKeepTheLowestIndex() {
    // d = 1: μ = (1+3+2+2+2)/5 = 2, deviations −1, +1, 0, 0, 0, scores 1, 1, 0, 0, 0; f = 1 drops one of the two
    // 1s: x_1 (the higher index) goes, mean (1+2+2+2)/4 = 1.75 (dropping x_0 instead would give 2.25)
    double[][] x = {{1}, {3}, {2}, {2}, {2}};
    assertVector(rule("dnc", Map.of()).combine(x, 1), 1.75);
  }

  @Test
  void dncTopSingularVectorMatchesPowerIteration() {
    // a second computation: the top eigenvector of CᵀC by 2000 power steps, against the Gram/Jacobi route
    SplittableRandom rng = new SplittableRandom(7);
    double[][] x = new double[6][4];
    for (double[] row : x) {
      for (int k = 0; k < 4; k++) {
        row[k] = rng.nextDouble(-3, 3);
      }
    }
    double[] mu = Rows.mean(x, new int[] {0, 1, 2, 3, 4, 5});
    double[] v = {1, 0.5, 0.25, 0.125};
    for (int it = 0; it < 2000; it++) {
      double[] next = new double[4];
      for (double[] row : x) {
        double p = 0;
        for (int k = 0; k < 4; k++) {
          p += (row[k] - mu[k]) * v[k];
        }
        for (int k = 0; k < 4; k++) {
          next[k] += p * (row[k] - mu[k]);
        }
      }
      double norm = Math.sqrt(Rows.squaredDistance(next, new double[4]));
      for (int k = 0; k < 4; k++) {
        v[k] = next[k] / norm;
      }
    }
    double[] expected = new double[6];
    for (int i = 0; i < 6; i++) {
      double p = 0;
      for (int k = 0; k < 4; k++) {
        p += (x[i][k] - mu[k]) * v[k];
      }
      expected[i] = p * p;
    }
    assertVector(DivideAndConquer.scores(x, new int[] {0, 1, 2, 3, 4, 5}, new int[] {0, 1, 2, 3}), expected);
  }

  /** d = 3, each coordinate hides a different outlier: x_4 in coordinate 0, x_3 in 1, x_2 in 2. */
  static final double[][] DNC3 = {{0, 1, 2}, {1, 0, 1}, {2, 2, 30}, {3, 40, 0}, {50, 3, 3}};
  /** The result when the one sampled coordinate is k (sub_dim = 1, f = 1): the mean without that outlier. */
  static final double[][] DNC3_BY_COORDINATE = {
      {1.5, 10.75, 8.25}, // k = 0: μ = 56/5 = 11.2, (50 − 11.2)² = 1505.44 the largest: mean of x_0..x_3
      {13.25, 1.5, 9},    // k = 1: μ = 9.2, (40 − 9.2)² = 948.64: mean of x_0, x_1, x_2, x_4
      {13.5, 11, 1.5}};   // k = 2: μ = 7.2, (30 − 7.2)² = 519.84: mean of x_0, x_1, x_3, x_4

  @Test
  void dncSameSeedSameResultAndSeedsChooseTheCoordinates() {
    DivideAndConquer dnc = (DivideAndConquer) rule("dnc", Map.of("sub_dim", 1));
    Set<Integer> seen = new HashSet<>();
    for (long seed = 0; seed < 30; seed++) {
      int k = DivideAndConquer.coordinates(3, 1, stream(seed))[0]; // the rule's first (only) draw
      seen.add(k);
      assertVector(dnc.combine(DNC3, 1, stream(seed)), DNC3_BY_COORDINATE[k]);
      assertVector(dnc.combine(DNC3, 1, stream(seed)), dnc.combine(DNC3, 1, stream(seed)));
    }
    assertThat(seen).as("coordinates drawn over 30 seeds").hasSizeGreaterThan(1);
    // through aggregate: the context's stream decides; float output
    List<Message> ms = new ArrayList<>();
    for (int i = 0; i < DNC3.length; i++) {
      float[] row = new float[3];
      for (int k = 0; k < 3; k++) {
        row[k] = (float) DNC3[i][k];
      }
      ms.add(new DenseMessage(i, row));
    }
    int k = DivideAndConquer.coordinates(3, 1, stream(5))[0];
    float[] y = dnc.aggregate(ms, new AggregationContext(5, 1, 0, stream(5))).toFloats();
    for (int j = 0; j < 3; j++) {
      assertThat((double) y[j]).isCloseTo(DNC3_BY_COORDINATE[k][j], within(1e-5));
    }
  }

  @Test
  void dncIntersectsTheRounds() {
    // two rounds of one coordinate each: when they draw 0 then 1, good = {0,1,2,3} ∩ {0,1,2,4} = {0,1,2},
    // mean ((0+1+2)/3, (1+0+2)/3, (2+1+30)/3) = (1, 1, 11) (Blades' union would keep all five: (11.2, 9.2, 7.2))
    DivideAndConquer dnc = (DivideAndConquer) rule("dnc", Map.of("sub_dim", 1, "iterations", 2));
    boolean met = false;
    for (long seed = 0; seed < 60 && !met; seed++) {
      java.util.random.RandomGenerator g = stream(seed);
      int first = DivideAndConquer.coordinates(3, 1, g)[0];
      int second = DivideAndConquer.coordinates(3, 1, g)[0];
      if (first == 0 && second == 1) {
        met = true;
        assertVector(dnc.combine(DNC3, 1, stream(seed)), 1, 1, 11);
      }
    }
    assertThat(met).as("a seed drawing coordinate 0 then 1 among 60").isTrue();
  }

  @Test
  void dncNonFiniteRowsAreOutliersThatCountAgainstTheBudget() {
    // x_5 = NaN row scored +∞: with f = 1 it is the one dropped, x_4 stays: mean of DNC = (15/5, 20/5) = (3, 4);
    // with f = 2, x_5 and x_4 go: (1, 2)
    double[][] x = with(DNC, new double[] {Double.NaN, 0});
    assertVector(rule("dnc", Map.of()).combine(x, 1), 3, 4);
    assertVector(rule("dnc", Map.of()).combine(x, 2), 1, 2);
  }

  @Test
  void dncRequirement() {
    assertThatThrownBy(() -> rule("dnc", Map.of()).checkRequirement(4, 2))
        .hasMessage("dnc: n=4 with f=2; allowed: n >= 2f + 1, i.e. f <= 1");
    assertThatThrownBy(() -> rule("dnc", Map.of("c", 2.5)).checkRequirement(5, 2))
        .hasMessage("dnc: c=2.5 with f=2 drops 5 of n=5; allowed: floor(c*f) <= n - 1");
  }

  // ---------------------------------------------------------------- signguard

  /** n = 6, d = 3: x_4 a norm outlier (30), x_5 a sign outlier (all negative); x_2 has a zero coordinate. */
  static final double[][] SG = {{2, 1, 2}, {1, 2, 2}, {4, 0, 3}, {2, 4, 4}, {20, 10, 20}, {-4, -2, -4}};

  @Test
  void signguardNormFilterSignClustersAndClipping() {
    // norms 3, 3, 5, 6, 30, 6; sorted 3 3 5 6 6 30, M = (5+6)/2 = 5.5; S₁ = norms in [0.55, 16.5] = {0,1,2,3,5}.
    // features (pos, neg, zero): p_0 = p_1 = p_3 = p_4 = (1,0,0), p_2 = (2/3,0,1/3), p_5 = (0,1,0).
    // bandwidth, k = ⌊6/2⌋ = 3rd nearest with itself: 0 for p_0,p_1,p_3,p_4 (three copies), |p_2 − p_0| = √2/3 for
    // p_2, |p_5 − p_0| = √2 for p_5 (|p_5 − p_2| = √14/3 is 2nd): h = (√2/3 + √2)/6 = 2√2/9 ≈ 0.314.
    // mean shift: (1,0,0) holds 4 points within h (p_2 is √2/3 ≈ 0.471 away), p_2 and p_5 stay alone:
    // clusters {0,1,3,4}, {2}, {5}; S₂ = {0,1,3,4}; S₁ ∩ S₂ = {0,1,3}.
    assertThat(SignGuard.bandwidth(new double[][] {{1, 0, 0}, {1, 0, 0}, {2.0 / 3, 0, 1.0 / 3}, {1, 0, 0},
        {1, 0, 0}, {0, 1, 0}})).isCloseTo(2 * Math.sqrt(2) / 9, within(TOL));
    // clipped to 5.5: x_3 (norm 6) ·11/12 = (11/6, 11/3, 11/3); mean of (2,1,2), (1,2,2), x_3':
    // ((3 + 11/6)/3, (3 + 11/3)/3, (4 + 11/3)/3) = (29/18, 20/9, 23/9)
    assertVector(rule("signguard", Map.of()).combine(SG, 1), 29.0 / 18, 20.0 / 9, 23.0 / 9);
  }

  @Test
  void signguardWithUnambiguousSignsGivesBladesValue() {
    // x_2 = (4,2,4) (norm 6, all positive): norms 3 3 6 6 30 6, M = 6, S₁ = [0.6, 18] = {0,1,2,3,5}; features: five
    // (1,0,0) and (0,1,0): mean shift and Blades' KMeans(2) both split {0..4} | {5}; S = {0,1,2,3}, none above 6:
    // mean ((2+1+4+2)/4, (1+2+2+4)/4, (2+2+4+4)/4) = (2.25, 2.25, 3), Blades' value
    double[][] x = SG.clone();
    x[2] = new double[] {4, 2, 4};
    assertVector(rule("signguard", Map.of()).combine(x, 1), 2.25, 2.25, 3);
  }

  @Test
  void signguardSampledCoordinateComesFromTheStream() {
    // fraction 1/3: b = 1 coordinate. Coordinates 0 and 2: only x_5 negative, S₂ = {0..4}, S = {0,1,2,3}, x_2
    // (norm 5) kept unclipped: ((2+1+4+11/6)/4, (1+2+0+11/3)/4, (2+2+3+11/3)/4) = (53/24, 5/3, 8/3).
    // Coordinate 1: x_2 is 0 there, clusters {0,1,3,4}, {2}, {5}: (29/18, 20/9, 23/9) as with every coordinate
    double[][] byCoordinate = {{53.0 / 24, 5.0 / 3, 8.0 / 3}, {29.0 / 18, 20.0 / 9, 23.0 / 9},
        {53.0 / 24, 5.0 / 3, 8.0 / 3}};
    SignGuard sg = (SignGuard) rule("signguard", Map.of("fraction", 1.0 / 3));
    Set<Integer> seen = new HashSet<>();
    for (long seed = 0; seed < 30; seed++) {
      int k = DivideAndConquer.coordinates(3, 1, stream(seed))[0];
      seen.add(k);
      assertVector(sg.combine(SG, 1, stream(seed)), byCoordinate[k]);
    }
    assertThat(seen).hasSizeGreaterThan(1);
  }

  @Test
  void signguardNonFiniteRowIsInNeitherSet() {
    // n = 7: norms 3 3 5 6 30 6 +∞, median = 4th of 3 3 5 6 6 30 ∞ = 6; S₁ = [0.6, 18] = {0,1,2,3,5}; features
    // of the six finite rows as above: S₂ = {0,1,3,4}; S = {0,1,3}, none above 6:
    // ((2+1+2)/3, (1+2+4)/3, (2+2+4)/3) = (5/3, 7/3, 8/3)
    assertVector(rule("signguard", Map.of()).combine(with(SG, NAN_ROW), 3), 5.0 / 3, 7.0 / 3, 8.0 / 3);
  }

  // ---------------------------------------------------------------- clustering

  /** n = 5, d = 2: x_4 points the opposite way. */
  static final double[][] CL = {{3, 4}, {4, 3}, {5, 0}, {0, 5}, {-6, -8}};

  @Test
  void clusteringAverageLinkageOnCosineDistances() {
    // 1 − cos: d01 = 1 − 24/25 = 0.04, d02 = 1 − 15/25 = 0.4, d03 = 0.2, d04 = 2, d12 = 0.2, d13 = 0.4,
    // d14 = 1 + 48/50 = 1.96, d23 = 1, d24 = 1 + 30/50 = 1.6, d34 = 1.8.
    // merge {0,1} at 0.04; to 2: (0.4+0.2)/2 = 0.3, to 3: (0.2+0.4)/2 = 0.3, to 4: 1.98; merge {0,1,2} at 0.3
    // (lowest pair on the tie); to 3: (0.2+0.4+1)/3 = 0.533, to 4: (2+1.96+1.6)/3 = 1.853, d34 = 1.8;
    // merge {0,1,2,3}: clusters {0,1,2,3} | {4}; mean ((3+4+5+0)/4, (4+3+0+5)/4) = (3, 3)
    double[] gram = CosineClusters.gram(CL);
    double[][] dist = CosineClusters.cosineDistances(gram, 5, new int[] {0, 1, 2, 3, 4}, CosineClusters.norms(gram, 5),
        null);
    assertThat(dist[0][1]).isCloseTo(0.04, within(TOL));
    assertThat(dist[1][4]).isCloseTo(1.96, within(TOL));
    assertVector(rule("clustering", Map.of()).combine(CL, 2), 3, 3);
    // Blades' Clustering (complete linkage): {0,1} 0.04, {0,1,2} at max(0.4,0.2) = 0.4, then 3 at
    // max(0.2,0.4,1) = 1 < d34 = 1.8: the same split, Blades' value (3, 3); the plain mean is (1.2, 0.8)
    assertVector(rule("clustering", Map.of("linkage", "complete")).combine(CL, 2), 3, 3);
  }

  @Test
  void clusteringTwoClearGroupsTheLargerWins() {
    // {0,1} along (0,1), {2,3,4} along (1,0): distances 0 inside, 1 across; the larger group wins although
    // the smaller holds index 0: mean of (1,0), (2,0), (3,0) = (2, 0)
    double[][] x = {{0, 1}, {0, 2}, {1, 0}, {2, 0}, {3, 0}};
    assertVector(rule("clustering", Map.of()).combine(x, 2), 2, 0);
    // a NaN row is an outlier, not a member: the same (2, 0)
    assertVector(rule("clustering", Map.of()).combine(with(x, new double[] {Double.NaN, 0}), 2), 2, 0);
  }

  @Test
  void clusteringEqualSizesGoToTheClusterHoldingTheLowestIndex() {
    // {0,2} along (1,0), {1,3} along (0,1), two of each: {0,2} holds index 0: mean of (2,0), (4,0) = (3, 0)
    double[][] x = {{2, 0}, {0, 1}, {4, 0}, {0, 3}};
    assertVector(rule("clustering", Map.of()).combine(x, 1), 3, 0);
  }

  @Test
  void theLinkageDecidesWhereAVectorBetweenTheGroupsGoes() {
    // x = (2,3), (2,1), (−2,5), (5,2), (−2,0); 1 − cos: d13 = 1 − 12/√145 = 0.00345, d01 = 1 − 7/√65 = 0.13176,
    // d03 = 1 − 16/√377 = 0.17596, d02 = 1 − 11/√377 = 0.43347, d24 = 1 − 4/(2√29) = 0.62861, d12 = 0.91695,
    // d23 = 1, d04 = 1.55470, d14 = 1.89443, d34 = 1.92848.
    // all linkages: {1,3} at 0.00345, then 0 joins ({1,3}–0: min 0.13176, mean 0.15386, max 0.17596).
    // single: {0,1,3}–2 = min(0.43347, 0.91695, 1) = 0.43347 < d24 = 0.62861: x_2 joins, {0,1,2,3} | {4}:
    // mean ((2+2−2+5)/4, (3+1+5+2)/4) = (1.75, 2.75).
    // average: {0,1,3}–2 = (0.43347+0.91695+1)/3 = 0.78347 > 0.62861 (complete: 1 > 0.62861): {2,4} merge,
    // {0,1,3} | {2,4}: mean ((2+2+5)/3, (3+1+2)/3) = (3, 2), Blades' value (complete and average alike)
    double[][] x = {{2, 3}, {2, 1}, {-2, 5}, {5, 2}, {-2, 0}};
    assertVector(rule("clustering", Map.of("linkage", "single")).combine(x, 2), 1.75, 2.75);
    assertVector(rule("clustering", Map.of()).combine(x, 2), 3, 2);
    assertVector(rule("clustering", Map.of("linkage", "complete")).combine(x, 2), 3, 2);
    // clipped-clustering, single: norms √13, √5, √29, √29, 2, median √13: x_2, x_3 scaled by √(13/29), same
    // directions, same split: ((2 + 2 + 3√(13/29))/4, (3 + 1 + 7√(13/29))/4)
    double q = Math.sqrt(13.0 / 29);
    assertVector(rule("clipped-clustering", Map.of("linkage", "single")).combine(x, 2), (4 + 3 * q) / 4,
        (4 + 7 * q) / 4);
  }

  // ---------------------------------------------------------------- clipped-clustering

  /** n = 5, d = 2: norms 5, 10, 2, 6, 100; x_4 opposite. */
  static final double[][] CC = {{3, 4}, {8, 6}, {0, 2}, {6, 0}, {-60, -80}};

  @Test
  void clippedClusteringClipsToTheMedianNormThenClusters() {
    // median of 5 10 2 6 100 = 6: x_1 → (8,6)·6/10 = (4.8, 3.6), x_4 → (−3.6, −4.8); the others ≤ 6 stay.
    // cosines are those of CL up to relabelling (clipping keeps directions): {0,1,2,3} | {4};
    // mean ((3+4.8+0+6)/4, (4+3.6+2+0)/4) = (3.45, 2.4) (clustering without clipping: (4.25, 3)); Blades' value
    // in its first round, when its norm history is this round's norms
    assertVector(rule("clipped-clustering", Map.of()).combine(CC, 2), 3.45, 2.4);
    assertVector(rule("clustering", Map.of()).combine(CC, 2), 4.25, 3);
    // tau = 4 caps the threshold: x_0 → (2.4, 3.2), x_1 → (3.2, 2.4), x_3 → (4, 0):
    // ((2.4+3.2+0+4)/4, (3.2+2.4+2+0)/4) = (2.4, 1.9)
    assertVector(rule("clipped-clustering", Map.of("tau", 4)).combine(CC, 2), 2.4, 1.9);
  }

  @Test
  void clippedClusteringNonFiniteNormCountsAsInfinityInTheMedian() {
    // norms 5 10 2 6 100 +∞: median (6+10)/2 = 8: x_1 → (6.4, 4.8); mean of x_0..x_3:
    // ((3+6.4+0+6)/4, (4+4.8+2+0)/4) = (3.85, 2.7)
    assertVector(rule("clipped-clustering", Map.of()).combine(with(CC, new double[] {0, Double.POSITIVE_INFINITY}), 2),
        3.85, 2.7);
  }

  @Test
  void requirementsOfTheClusteringRules() {
    for (String name : List.of("signguard", "clustering", "clipped-clustering")) {
      assertThatThrownBy(() -> rule(name, Map.of()).checkRequirement(6, 3))
          .hasMessage(name + ": n=6 with f=3; allowed: n >= 2f + 1, i.e. f <= 2");
    }
    assertThatThrownBy(() -> rule("clustering", Map.of("linkage", "ward")))
        .hasMessage("clustering: parameter linkage is ward; allowed: average, complete, single");
  }
}
