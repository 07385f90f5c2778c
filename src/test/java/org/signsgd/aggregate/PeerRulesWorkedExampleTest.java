package org.signsgd.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.junit.jupiter.api.Test;
import org.signsgd.spec.RuleSpec;

/**
 * Worked examples for the rules of the peers' libraries (ByzFL, ByzantineMomentum): mda, monna, smea, caf, cge, with
 * the arithmetic in the comments (docs/aggregators.md has the same numbers); brute-force and naive second
 * computations on random inputs for mda, smea and caf.
 */
class PeerRulesWorkedExampleTest {
  private static final double TOL = 1e-9;

  /** Four points, f = 1: MDA and SMEA choose different triples. */
  static final double[][] P = {{2, 6}, {5, 3}, {1, 2}, {5, 1}};

  private static DenseRule rule(String name, Map<String, Object> params) {
    return (DenseRule) Rules.create(new RuleSpec(name, params));
  }

  private static DenseRule rule(String name) {
    return rule(name, Map.of());
  }

  private static void assertVector(double[] actual, double... expected) {
    assertThat(actual).hasSize(expected.length);
    for (int k = 0; k < expected.length; k++) {
      assertThat(actual[k]).as("coordinate %d of %s", k, Arrays.toString(actual)).isCloseTo(expected[k],
          within(TOL * (1 + Math.abs(expected[k]))));
    }
  }

  private static double[][] dist(double[][] x) {
    return Rows.fromPairSums(Rows.pairSums(x), x.length);
  }

  // ---------------------------------------------------------------- mda

  /**
   * Squared distances of P: d01 = 3² + 3² = 18, d02 = 1² + 4² = 17, d03 = 3² + 5² = 34, d12 = 4² + 1² = 17,
   * d13 = 0² + 2² = 4, d23 = 4² + 1² = 17. Diameters² of the triples: {0,1,2}: max(18, 17, 17) = 18; {0,1,3}:
   * max(18, 34, 4) = 34; {0,2,3}: max(17, 34, 17) = 34; {1,2,3}: max(17, 4, 17) = 17, the smallest. MDA =
   * ((5 + 1 + 5)/3, (3 + 2 + 1)/3) = (11/3, 2).
   */
  @Test
  void mdaAveragesTheTripleOfSmallestDiameter() {
    assertThat(rule("mda").name()).isEqualTo(MinimumDiameterAveraging.NAME);
    MinimumDiameterAveraging mda = new MinimumDiameterAveraging();
    assertThat(mda.select(dist(P), 1)).containsExactly(1, 2, 3);
    assertVector(rule("mda").combine(P, 1), 11.0 / 3, 2);
  }

  /**
   * On a line 0, 1, 2, 3 (f = 1) the triples {0,1,2} and {1,2,3} both have diameter 2 ({0,1,3}, {0,2,3}: 3): the
   * lexicographically smallest set {0,1,2} wins, mean (1, 0) (the set {1,2,3} would give (2, 0)).
   */
  @Test
  void mdaTiesGoToTheLexicographicallySmallestSet() {
    double[][] line = {{0, 0}, {1, 0}, {2, 0}, {3, 0}};
    assertVector(rule("mda").combine(line, 1), 1, 0);
  }

  /**
   * ByzFL's MDA docstring: f = 1 on (1,2,3), (4,5,6), (7,8,9): the pairs {0,1} and {1,2} both at √27 (before {0,2}
   * at √108); the first strict minimum {0,1} gives (2.5, 3.5, 4.5).
   */
  @Test
  void mdaGivesByzFlsDocstringValue() {
    double[][] x = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
    assertVector(rule("mda").combine(x, 1), 2.5, 3.5, 4.5);
  }

  /**
   * ByzantineMomentum's upper_bound for its brute rule, (n − f)/(√8 f), squared: n = 7, f = 1: 6²/8 = 4.5;
   * n = 11, f = 3: 8²/(8·9) = 8/9; none for f = 0.
   */
  @Test
  void mdaVarianceBoundIsByzantineMomentumsSquared() {
    assertThat(rule("mda").varianceBound(7, 1)).isCloseTo(4.5, within(1e-12));
    assertThat(rule("mda").varianceBound(11, 3)).isCloseTo(8.0 / 9, within(1e-12));
    assertThat(rule("mda").varianceBound(7, 0)).isNull();
    for (String name : List.of("monna", "smea", "caf", "cge")) {
      assertThat(rule(name).varianceBound(7, 1)).as(name).isNull();
    }
  }

  /** A brute force in the test: every (n − f)-subset in lexicographic order, plain diameters from coordinates. */
  @Test
  void mdaMatchesABruteForceOnRandomInputs() {
    SplittableRandom rng = new SplittableRandom(21);
    for (int t = 0; t < 40; t++) {
      int n = 3 + rng.nextInt(7);
      int f = rng.nextInt((n - 1) / 2 + 1);
      double[][] x = random(rng, n, 1 + rng.nextInt(4));
      int[] best = null;
      double bestDiam = Double.POSITIVE_INFINITY;
      int atBest = 0;
      for (int[] s : subsets(n, n - f)) {
        double diam = 0;
        for (int a : s) {
          for (int b : s) {
            diam = Math.max(diam, Math.sqrt(Rows.squaredDistance(x[a], x[b])));
          }
        }
        if (diam < bestDiam) {
          bestDiam = diam;
          best = s;
          atBest = 1;
        } else if (diam == bestDiam) {
          atBest++;
        }
      }
      assertVector(rule("mda").combine(x, f), Rows.mean(x, best));
      if (atBest == 1) { // a unique minimum: the order of the rows does not matter (reversed here)
        double[][] reversed = IntStream.range(0, n).mapToObj(i -> x[n - 1 - i]).toArray(double[][]::new);
        assertVector(rule("mda").combine(reversed, f), Rows.mean(x, best));
      }
    }
  }

  /**
   * A row of NaN or ±∞ is at +∞ from every other: never chosen (P with x4 = NaN, f = 2: the triples of P, so
   * {1,2,3} again, (11/3, 2)).
   */
  @Test
  void mdaAndSmeaNeverChooseANonFiniteRow() {
    double[][] x = {P[0], P[1], P[2], P[3], {Double.NaN, 1}};
    assertThat(new MinimumDiameterAveraging().select(dist(x), 2)).containsExactly(1, 2, 3);
    assertVector(rule("mda").combine(x, 2), 11.0 / 3, 2);
    double[][] y = {P[0], {Double.POSITIVE_INFINITY, 0}, P[1], P[2], P[3]};
    assertThat(new SmallestMaxEigenvalueAveraging().select(dist(y), 2)).doesNotContain(1);
    assertVector(rule("smea").combine(y, 1), 13.0 / 4, 3); // the one finite 4-set, P: ((2 + 5 + 1 + 5)/4, 12/4)
  }

  // ---------------------------------------------------------------- smea

  /**
   * SMEA on P (f = 1), λ_max of each triple's covariance [[a, b], [b, c]]: (a + c)/2 + √(((a − c)/2)² + b²).
   * {0,1,2}: mean (8/3, 11/3), deviations (−2/3, 7/3), (7/3, −2/3), (−5/3, −5/3): a = c = (4 + 49 + 25)/27 = 26/9,
   * b = (−14 − 14 + 25)/27 = −1/9, λ = 26/9 + 1/9 = 3. {0,1,3}: mean (4, 10/3): a = (4 + 1 + 1)/3 = 2,
   * c = (64 + 1 + 49)/27 = 38/9, b = (−16 − 1 − 7)/9 = −8/3, λ = 28/9 + √(100/81 + 576/81) = 28/9 + 26/9 = 6.
   * {0,2,3}: mean (8/3, 3): a = 26/9, c = (9 + 1 + 4)/3 = 14/3, b = (−2 + 5/3 − 14/3)/3 = −5/3,
   * λ = 34/9 + √(64/81 + 225/81) = 34/9 + 17/9 = 17/3. {1,2,3}: mean (11/3, 2): a = (16 + 64 + 16)/27 = 32/9,
   * c = 2/3, b = 0, λ = 32/9. Smallest: {0,1,2} with 3, so SMEA = (8/3, 11/3), where MDA took {1,2,3}.
   */
  @Test
  void smeaAveragesTheTripleOfSmallestTopEigenvalue() {
    double[][] d = dist(P);
    assertThat(SmallestMaxEigenvalueAveraging.maxEigenvalue(d, new int[] {0, 1, 2})).isCloseTo(3, within(TOL));
    assertThat(SmallestMaxEigenvalueAveraging.maxEigenvalue(d, new int[] {0, 1, 3})).isCloseTo(6, within(TOL));
    assertThat(SmallestMaxEigenvalueAveraging.maxEigenvalue(d, new int[] {0, 2, 3})).isCloseTo(17.0 / 3,
        within(TOL));
    assertThat(SmallestMaxEigenvalueAveraging.maxEigenvalue(d, new int[] {1, 2, 3})).isCloseTo(32.0 / 9,
        within(TOL));
    assertVector(rule("smea").combine(P, 1), 8.0 / 3, 11.0 / 3);
  }

  /**
   * The square (0,0), (3,0), (0,3), (3,3), f = 1: every triple has covariance [[2, ±1], [±1, 2]] ({0,1,2}: mean
   * (1, 1), deviations (−1,−1), (2,−1), (−1,2): a = c = 6/3, b = −3/3), λ = 3 for all four: the first set {0,1,2}
   * wins, mean (1, 1).
   */
  @Test
  void smeaTiesGoToTheLexicographicallySmallestSet() {
    double[][] square = {{0, 0}, {3, 0}, {0, 3}, {3, 3}};
    assertVector(rule("smea").combine(square, 1), 1, 1);
  }

  /** A second computation: the d × d covariance of every subset, its eigenvalues by commons-math, first minimum. */
  @Test
  void smeaMatchesABruteForceOnRandomInputs() {
    SplittableRandom rng = new SplittableRandom(22);
    for (int t = 0; t < 40; t++) {
      int n = 3 + rng.nextInt(6);
      int f = rng.nextInt((n - 1) / 2 + 1);
      double[][] x = random(rng, n, 1 + rng.nextInt(4));
      int[] best = null;
      double bestValue = Double.POSITIVE_INFINITY;
      for (int[] s : subsets(n, n - f)) {
        double value = topEigen(covariance(x, s, null))[0];
        if (value < bestValue) {
          bestValue = value;
          best = s;
        }
      }
      assertVector(rule("smea").combine(x, f), Rows.mean(x, best));
    }
  }

  // ---------------------------------------------------------------- monna

  /**
   * n = 5, f = 2, so the 3 nearest of the pivot. Squared distances to x0 = (0,0): x1 = (1,2): 5, x2 = (2,−1): 5,
   * x3 = (−2,1): 5, x4 = (4,4): 32. x0 itself (0), then the tie at 5 goes to x1, x2: mean ((0 + 1 + 2)/3,
   * (0 + 2 − 1)/3) = (1, 1/3). Pivot 4: to x4 = (4,4): x0 32, x1 9 + 4 = 13, x2 4 + 25 = 29, x3 36 + 9 = 45: x4, x1,
   * x2, mean ((4 + 1 + 2)/3, (4 + 2 − 1)/3) = (7/3, 5/3).
   */
  @Test
  void monnaAveragesThePivotsNearestNeighbours() {
    double[][] x = {{0, 0}, {1, 2}, {2, -1}, {-2, 1}, {4, 4}};
    assertVector(rule("monna").combine(x, 2), 1, 1.0 / 3);
    assertVector(rule("monna", Map.of("pivot", 4)).combine(x, 2), 7.0 / 3, 5.0 / 3);
    // ByzFL's MoNNA(f=1, idx=1) on (1,2,3), (4,5,6), (7,8,9): x1 and one of its equidistant neighbours; the lowest
    // index x0 here: (2.5, 3.5, 4.5), its docstring's value
    assertVector(rule("monna", Map.of("pivot", 1)).combine(new double[][] {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}, 1),
        2.5, 3.5, 4.5);
  }

  // ---------------------------------------------------------------- cge

  /**
   * n = 5, f = 2: norms ‖(3,4)‖ = 5, ‖(1,0)‖ = 1, ‖(0,−2)‖ = 2, ‖(−6,8)‖ = 10, ‖(0,5)‖ = 5; keep the 3 smallest:
   * x1, x2 and, of the tie at 5, x0: mean ((1 + 0 + 3)/3, (0 − 2 + 4)/3) = (4/3, 2/3) (ByzantineMomentum's mean;
   * the paper's sum would be (4, 2)). With f = 3: x1, x2, mean (1/2, −1).
   */
  @Test
  void cgeAveragesTheSmallestNorms() {
    double[][] x = {{3, 4}, {1, 0}, {0, -2}, {-6, 8}, {0, 5}};
    assertVector(rule("cge").combine(x, 2), 4.0 / 3, 2.0 / 3);
    assertVector(rule("cge").combine(x, 3), 0.5, -1);
    double[][] bad = {{3, 4}, {Double.NaN, 0}, {0, -2}, {-6, 8}, {0, 5}};
    assertVector(rule("cge").combine(bad, 2), 1, 7.0 / 3); // x2, x0, x4: ((0 + 3 + 0)/3, (−2 + 4 + 5)/3)
  }

  // ---------------------------------------------------------------- caf

  /**
   * n = 3, f = 1 (stop when Σc ≤ n − 2f = 1), on a line x = 0, 2, 11 (second coordinate 1 for all: Σ_c has rank 1,
   * v = e1, τ_i = (x_i − μ)²).
   * Step 1: c = (1,1,1), μ = 13/3, λ = (169 + 49 + 400)/(9·3) = 206/9 ≈ 22.89, τ = (169, 49, 400)/9, max 400/9:
   * c = (1 − 169/400, 1 − 49/400, 0) = (231/400, 351/400, 0), Σc = 582/400 = 1.455 &gt; 1, go on.
   * Step 2: μ = (351·2/400)/(582/400) = 702/582 = 117/97 ≈ 1.2062, λ = p(1 − p)·2² with p = 351/582:
   * 4·231·351/582² = 9009/9409 ≈ 0.9575 &lt; 206/9; τ0 = (117/97)², τ1 = (77/97)²: c = (0, 351/400·(1 − 5929/13689),
   * 0), Σc ≈ 0.497 ≤ 1, stop. The smallest λ was step 2's: CAF = (117/97, 1), the outlier 11 weighted 0.
   */
  @Test
  void cafFiltersTheOutlierOut() {
    double[][] x = {{0, 1}, {2, 1}, {11, 1}};
    double[] c = CovarianceBoundAgnosticFilter.weights(dist(x), 1);
    assertVector(c, 231.0 / 400, 351.0 / 400, 0);
    assertVector(rule("caf").combine(x, 1), 117.0 / 97, 1);
  }

  /**
   * ByzFL's CAF docstring: f = 1 on (1,2,3), (4,5,6), (7,8,9): step 1 has μ = (4,5,6), v = (1,1,1)/√3,
   * τ = ((−9/√3)², 0, (9/√3)²) = (27, 0, 27): both ends set to 0, Σc = 1, stop; the only step's μ, (4, 5, 6).
   */
  @Test
  void cafGivesByzFlsDocstringValue() {
    assertVector(rule("caf").combine(new double[][] {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}, 1), 4, 5, 6);
  }

  /**
   * A second computation: the filter in d dimensions as written (weighted mean, d × d weighted covariance, its top
   * eigenvector by commons-math, τ, the update over the weighted rows), on random rows with two far outliers.
   */
  @Test
  void cafMatchesTheFilterInDDimensions() {
    SplittableRandom rng = new SplittableRandom(23);
    for (int t = 0; t < 30; t++) {
      int n = 3 + rng.nextInt(8);
      int f = 1 + rng.nextInt((n - 1) / 2);
      double[][] x = random(rng, n, 2 + rng.nextInt(3));
      for (int b = 0; b < f; b++) {
        int row = rng.nextInt(n);
        for (int k = 0; k < x[row].length; k++) {
          x[row][k] += 20 * rng.nextDouble(-1, 1);
        }
      }
      double[] c = new double[n];
      Arrays.fill(c, 1);
      double[] best = null;
      double bestLambda = Double.POSITIVE_INFINITY;
      while (Arrays.stream(c).sum() > n - 2 * f) {
        double[] mu = weightedMean(x, c);
        double[] eig = topEigen(covariance(x, IntStream.range(0, n).toArray(), c));
        if (eig[0] < bestLambda) {
          bestLambda = eig[0];
          best = mu;
        }
        double[] tau = new double[n];
        double tauMax = 0;
        for (int i = 0; i < n; i++) {
          double p = 0;
          for (int k = 0; k < mu.length; k++) {
            p += (x[i][k] - mu[k]) * eig[k + 1];
          }
          tau[i] = p * p;
          tauMax = c[i] > 0 ? Math.max(tauMax, tau[i]) : tauMax;
        }
        for (int i = 0; i < n; i++) {
          c[i] = c[i] > 0 ? c[i] * Math.max(0, 1 - tau[i] / tauMax) : 0;
        }
      }
      assertThat(rule("caf").combine(x, f)).as("n=%d f=%d", n, f).hasSize(x[0].length);
      double[] got = rule("caf").combine(x, f);
      for (int k = 0; k < got.length; k++) {
        assertThat(got[k]).as("n=%d f=%d coordinate %d", n, f, k).isCloseTo(best[k], within(1e-7 * (1 + Math.abs(
            best[k]))));
      }
    }
  }

  /** A NaN row and an infinite row (f = 2 of n = 6) start at weight 0: the output is finite. */
  @Test
  void cafDropsNonFiniteRows() {
    double[][] x = {{0, 1}, {Double.NaN, 0}, {2, 1}, {1, 2}, {Double.NEGATIVE_INFINITY, 3}, {1, 0}};
    double[] c = CovarianceBoundAgnosticFilter.weights(dist(x), 2);
    assertThat(c[1]).isZero();
    assertThat(c[4]).isZero();
    assertThat(Arrays.stream(rule("caf").combine(x, 2)).allMatch(Double::isFinite)).isTrue();
  }

  // ---------------------------------------------------------------- all five

  /** With f = 0 every one of them returns the mean (CAF: no filtering step; MDA, SMEA: the one subset). */
  @Test
  void withNoByzantineEachReturnsTheMean() {
    double[][] x = random(new SplittableRandom(24), 6, 3);
    double[] mean = Rows.mean(x, IntStream.range(0, 6).toArray());
    for (String name : List.of("mda", "monna", "smea", "caf", "cge")) {
      assertVector(rule(name).combine(x, 0), mean);
    }
  }

  /**
   * The running example E of docs/aggregators.md (n = 7, x_7 = (10, −8) Byzantine), values from a second
   * computation (NumPy: itertools subsets, numpy.cov with bias, eigvalsh; the filter in d = 2). f = 3, 4-sets:
   * MDA: {x1,x2,x3,x6} and {x2,x3,x4,x6} both have diameter² 3.49 (the pair x2, x3: 1.8² + 0.5²), the lower set wins:
   * (1.225, 1.275). SMEA: {x2,x3,x4,x6} with λ = 0.439102881569 (next {x1,x2,x3,x6}, 0.439263655924):
   * (1.375, 0.775). CGE: norms 2.33, 2.61, 0.98, 1.60, 3.75, 1.48, 12.81, keep x3, x6, x4, x1: (1.075, 0.95).
   * MoNNA, pivot x2 (index 1): x2, x5, x6, x1 nearest: (1.8, 1.7). CAF: step 1 on all seven, μ = (2.742857,
   * −0.028571), λ = 19.689, zeroes x7 and leaves Σc = 5.813973; step 2, μ = (1.539792, 1.289569), λ = 0.932543,
   * leaves Σc = 4.035184 (x5 zeroed). With f = 1 (stop at Σc ≤ 5) that is the end, and step 2 has the smaller λ:
   * (1.539791890055, 1.289569386598). With f = 2 (stop at Σc ≤ 3) step 3 has μ = (1.345667, 1.094851) and
   * λ = 0.472374, the smallest, and leaves Σc = 2.335092: (1.345666756589, 1.094850789286).
   */
  @Test
  void onTheRunningExampleE() {
    double[][] e = RobustRulesWorkedExampleTest.E;
    assertThat(new MinimumDiameterAveraging().select(dist(e), 3)).containsExactly(0, 1, 2, 5);
    assertVector(rule("mda").combine(e, 3), 1.225, 1.275);
    assertThat(SmallestMaxEigenvalueAveraging.maxEigenvalue(dist(e), new int[] {1, 2, 3, 5})).isCloseTo(
        0.439102881569, within(1e-11));
    assertVector(rule("smea").combine(e, 3), 1.375, 0.775);
    assertVector(rule("cge").combine(e, 3), 1.075, 0.95);
    assertVector(rule("monna", Map.of("pivot", 1)).combine(e, 3), 1.8, 1.7);
    assertThat(rule("caf").combine(e, 1)[0]).isCloseTo(1.539791890055, within(1e-11));
    assertThat(rule("caf").combine(e, 1)[1]).isCloseTo(1.289569386598, within(1e-11));
    assertThat(rule("caf").combine(e, 2)[0]).isCloseTo(1.345666756589, within(1e-11));
    assertThat(rule("caf").combine(e, 2)[1]).isCloseTo(1.094850789286, within(1e-11));
  }

  @Test
  void requirementsAreOneLineRefusals() {
    assertThatThrownBy(() -> rule("mda").checkRequirement(5, 3))
        .hasMessage("mda: n=5 with f=3; allowed: n >= 2f + 1, i.e. f <= 2");
    assertThatThrownBy(() -> rule("mda").checkRequirement(40, 12))
        .hasMessage("mda: C(n=40, f=12) = 5586853480 subsets; allowed: at most 10000000 (use a smaller f or another "
            + "rule)");
    rule("mda").checkRequirement(30, 7); // C(30, 7) = 2035800
    assertThatThrownBy(() -> rule("smea").checkRequirement(30, 7))
        .hasMessage("smea: C(n=30, f=7) = 2035800 subsets; allowed: at most 1000000 (use a smaller f or another "
            + "rule)");
    assertThatThrownBy(() -> rule("smea").checkRequirement(4, 2))
        .hasMessage("smea: n=4 with f=2; allowed: n >= 2f + 1, i.e. f <= 1");
    assertThatThrownBy(() -> rule("monna", Map.of("pivot", 7)).checkRequirement(5, 1))
        .hasMessage("monna: pivot=7 with n=5; allowed: 0 <= pivot <= 4");
    assertThatThrownBy(() -> rule("monna", Map.of("pivot", -1)))
        .hasMessageStartingWith("monna: parameter pivot is -1");
    assertThatThrownBy(() -> rule("caf").checkRequirement(6, 3))
        .hasMessage("caf: n=6 with f=3; allowed: n >= 2f + 1, i.e. f <= 2");
    assertThatThrownBy(() -> rule("cge").checkRequirement(4, 4))
        .hasMessage("cge: f=4 declared Byzantine with n=4; allowed: 0 <= f <= 3");
    rule("cge").checkRequirement(4, 3);
    assertThat(Subsets.count(40, 12).longValueExact()).isEqualTo(5_586_853_480L);
  }

  /** Three chunks of coordinates (partial sums added, decided on, finished per chunk) give the whole rule. */
  @Test
  void threeChunksGiveTheWholeRule() {
    double[][] x = random(new SplittableRandom(25), 9, 50);
    x[3] = Arrays.stream(x[3]).map(v -> v * 30).toArray();
    int[] cuts = {0, 17, 30, 50};
    for (String name : List.of("mda", "monna", "smea", "caf", "cge")) {
      DenseRule r = rule(name);
      assertThat(r.shardable()).as(name).isTrue();
      ChunkedRule chunked = r.chunked();
      Serializable decided = null;
      for (int pass = 0; pass < chunked.passes(); pass++) {
        double[] sums = null;
        for (int c = 0; c + 1 < cuts.length; c++) {
          double[] p = chunked.partial(pass, slice(x, cuts[c], cuts[c + 1]), 3, decided);
          if (sums == null) {
            sums = p.clone();
          } else {
            for (int i = 0; i < sums.length; i++) {
              sums[i] += p[i];
            }
          }
        }
        decided = chunked.decide(pass, sums, x.length, 3, decided);
      }
      double[] whole = r.combine(x, 3);
      for (int c = 0; c + 1 < cuts.length; c++) {
        double[] part = chunked.finish(slice(x, cuts[c], cuts[c + 1]), 3, decided);
        for (int k = 0; k < part.length; k++) {
          assertThat(part[k]).as("%s coordinate %d", name, cuts[c] + k).isCloseTo(whole[cuts[c] + k],
              within(1e-9 * (1 + Math.abs(whole[cuts[c] + k]))));
        }
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private static double[][] random(SplittableRandom rng, int n, int d) {
    double[][] x = new double[n][d];
    for (double[] row : x) {
      for (int k = 0; k < d; k++) {
        row[k] = rng.nextDouble(-5, 5);
      }
    }
    return x;
  }

  private static double[][] slice(double[][] x, int from, int to) {
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = Arrays.copyOfRange(x[i], from, to);
    }
    return out;
  }

  /** All index sets of size m from 0..n−1, in lexicographic order. */
  private static List<int[]> subsets(int n, int m) {
    List<int[]> out = new ArrayList<>();
    for (int mask = 0; mask < 1 << n; mask++) {
      if (Integer.bitCount(mask) == m) {
        int[] s = new int[m];
        for (int i = 0, j = 0; i < n; i++) {
          if ((mask >> i & 1) == 1) {
            s[j++] = i;
          }
        }
        out.add(s);
      }
    }
    out.sort((a, b) -> Arrays.compare(a, b));
    return out;
  }

  private static double[] weightedMean(double[][] x, double[] c) {
    double[] mu = new double[x[0].length];
    double total = 0;
    for (int i = 0; i < x.length; i++) {
      total += c[i];
      for (int k = 0; k < mu.length; k++) {
        mu[k] += c[i] * x[i][k];
      }
    }
    for (int k = 0; k < mu.length; k++) {
      mu[k] /= total;
    }
    return mu;
  }

  /** Σ c_i (x_i − μ)(x_i − μ)ᵀ / Σ c_i over the rows s (c null: weights 1). */
  private static double[][] covariance(double[][] x, int[] s, double[] c) {
    int d = x[0].length;
    double[] w = new double[x.length];
    for (int i : s) {
      w[i] = c == null ? 1 : c[i];
    }
    double[] mu = weightedMean(x, w);
    double total = Arrays.stream(w).sum();
    double[][] cov = new double[d][d];
    for (int i : s) {
      for (int k = 0; k < d; k++) {
        for (int l = 0; l < d; l++) {
          cov[k][l] += w[i] * (x[i][k] - mu[k]) * (x[i][l] - mu[l]) / total;
        }
      }
    }
    return cov;
  }

  /** {λ_max, v_1, ..., v_d} of a symmetric matrix. */
  private static double[] topEigen(double[][] a) {
    EigenDecomposition e = new EigenDecomposition(new Array2DRowRealMatrix(a));
    double[] values = e.getRealEigenvalues();
    int top = 0;
    for (int j = 1; j < values.length; j++) {
      if (values[j] > values[top]) {
        top = j;
      }
    }
    double[] out = new double[a.length + 1];
    out[0] = values[top];
    System.arraycopy(e.getEigenvector(top).toArray(), 0, out, 1, a.length);
    return out;
  }

  /**
   * MoNNA's pivot is a worker, not a row: workers 0, 1, 3, 4 reached the rule (worker 2's message was malformed)
   * with (0, 0), (10, 0), (9, 1), (1, 1), f = 1. Pivot worker 3 = (9, 1): squared distances 82, 2, 0, 64, the
   * 3 nearest are workers 3, 1, 4, mean ((9 + 10 + 1)/3, (1 + 0 + 1)/3) = (20/3, 2/3). Read as row 3 the pivot
   * would be worker 4's (1, 1) and the mean (10/3, 2/3). Pivot worker 2 (absent): the lowest worker that arrived,
   * worker 0 = (0, 0), stands in: distances 0, 100, 82, 2, mean of workers 0, 4, 3 = (10/3, 2/3).
   */
  @Test
  void monnasPivotIsAWorkerWhenAMessageBeforeItWasDropped() {
    List<org.signsgd.message.Message> ms = List.of(
        new org.signsgd.message.DenseMessage(0, new float[] {0, 0}),
        new org.signsgd.message.DenseMessage(1, new float[] {10, 0}),
        new org.signsgd.message.DenseMessage(3, new float[] {9, 1}),
        new org.signsgd.message.DenseMessage(4, new float[] {1, 1}));
    AggregationContext ctx = new AggregationContext(5, 1, 0, new SplittableRandom(1));
    float[] byWorker = rule("monna", Map.of("pivot", 3)).aggregate(ms, ctx).toFloats();
    assertThat(byWorker[0]).isCloseTo(20f / 3, within(1e-6f));
    assertThat(byWorker[1]).isCloseTo(2f / 3, within(1e-6f));
    // the chunked path (driver chunks or shards) finds the same row
    ChunkedRule chunked = rule("monna", Map.of("pivot", 3)).chunked().forWorkers(new int[] {0, 1, 3, 4});
    assertVector(ChunkedRule.whole(chunked, new double[][] {{0, 0}, {10, 0}, {9, 1}, {1, 1}}, 1), 20.0 / 3,
        2.0 / 3);
    float[] absent = rule("monna", Map.of("pivot", 2)).aggregate(ms, ctx).toFloats();
    assertThat(absent[0]).isCloseTo(10f / 3, within(1e-6f));
    assertThat(absent[1]).isCloseTo(2f / 3, within(1e-6f));
  }

  /** A run whose NaN-sending worker comes before the pivot (or is the pivot) keeps going: 3 rows, 1 dropped each. */
  @Test
  void aMonnaRunWithTheNanAttackKeepsGoing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    org.signsgd.job.JobSpec spec = org.signsgd.train.TestJobs.one(dir, org.signsgd.train.TestJobs.TOY, "workers=5",
        "byzantine=1", "aggregator.name=monna", "aggregator.pivot=4", "attack.name=nan", "iterations=3");
    List<org.signsgd.train.IterationRow> rows = org.signsgd.train.TestJobs.run(
        new org.signsgd.train.InProcessEngine(), spec);
    assertThat(rows).hasSize(3).allSatisfy(r -> assertThat(r.malformedMessages()).isEqualTo(1));
  }
}
