package org.signsgd.aggregate;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.signsgd.spec.RuleSpec;

/**
 * Properties every dense rule must have: with f = 0 the mean-like rules return the mean and the
 * median its median; every rule is invariant under permuting its inputs (distinct random values: no ties); no
 * robust rule returns NaN or an infinity when at most f inputs hold NaN or infinities.
 */
class RobustRulesProperties {
  /** Each rule with the largest f its requirement allows for n. */
  private static final List<String> ROBUST = List.of("krum", "multi-krum", "median", "trimmed-mean", "phocas",
      "meamed", "bulyan", "geometric-median", "centered-clipping", "nnm:median", "nnm:trimmed-mean", "dnc",
      "signguard", "clustering", "clipped-clustering",
      "bucketing:median", "clipping:median", "arc:median", "arc:trimmed-mean",
      "mda", "monna", "smea", "caf", "cge");

  /**
   * Rules left out of the permutation property only: their selections tie on these inputs and the tie goes to
   * the lowest worker index, which a permutation moves. clustering and clipped-clustering: two clusters of equal
   * size (even n) go to the one holding index 0, and with d = 1 every cosine distance is 0 or 2. signguard: the
   * sign features take only the values k/d (d ≤ 5 here), so equal clusters and equal mean-shift intensities are
   * common. (dnc stays: sub_dim ≥ d here, so no coordinate is drawn and its scores do not tie.)
   */
  private static final List<String> TIE_PRONE = List.of("signguard", "clustering", "clipped-clustering");

  private static DenseRule rule(String name) {
    String[] parts = name.split(":");
    Map<String, Object> params = parts.length > 1 ? Map.of("then", parts[1]) : Map.of();
    return (DenseRule) Rules.create(new RuleSpec(parts[0], params));
  }

  /** The rule on x; a pre-aggregator gets a stream (bucketing draws its permutation from it). */
  private static double[] combine(DenseRule r, double[][] x, int f, long seed) {
    return r instanceof PreAggregator p ? p.combine(x, f, new SplittableRandom(seed)) : r.combine(x, f);
  }

  private static int maxF(DenseRule r, int n) {
    for (int f = n - 1; f >= 0; f--) {
      try {
        r.checkRequirement(n, f);
        return f;
      } catch (IllegalArgumentException e) {
        // too many for this rule
      }
    }
    return -1;
  }

  private static double[][] random(int n, int d, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] x = new double[n][d];
    for (double[] row : x) {
      for (int k = 0; k < d; k++) {
        row[k] = rng.nextDouble(-5, 5);
      }
    }
    return x;
  }

  private static boolean close(double[] a, double[] b) {
    for (int k = 0; k < a.length; k++) {
      if (Math.abs(a[k] - b[k]) > 1e-9 * (1 + Math.abs(b[k]))) {
        return false;
      }
    }
    return true;
  }

  @Property(tries = 60, seed = "11")
  boolean withNoByzantineTheMeanLikeRulesReturnTheMean(@ForAll @IntRange(min = 3, max = 12) int n,
      @ForAll @IntRange(min = 1, max = 5) int d, @ForAll long seed) {
    double[][] x = random(n, d, seed);
    double[] mean = Rows.mean(x, java.util.stream.IntStream.range(0, n).toArray());
    for (String name : List.of("trimmed-mean", "phocas", "meamed", "multi-krum", "bulyan", "nnm")) {
      if (!close(rule(name).combine(x, 0), mean)) {
        return false;
      }
    }
    double[] median = new double[d];
    for (int k = 0; k < d; k++) {
      median[k] = Rows.median(Rows.column(x, k), false);
    }
    return close(rule("median").combine(x, 0), median);
  }

  @Property(tries = 60, seed = "12")
  boolean everyRuleIsInvariantUnderPermutingItsInputs(@ForAll @IntRange(min = 7, max = 15) int n,
      @ForAll @IntRange(min = 1, max = 5) int d, @ForAll long seed) {
    double[][] x = random(n, d, seed);
    double[][] shuffled = x.clone();
    SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      double[] t = shuffled[i];
      shuffled[i] = shuffled[j];
      shuffled[j] = t;
    }
    for (String name : ROBUST) {
      if (name.equals("bulyan")) {
        continue; // its recursion ties by construction: the last rounds score with k = 0 or k = 1
                  // (docs/aggregators.md#bulyan)
      }
      if (name.startsWith("bucketing")) {
        continue; // randomised: the buckets are a random permutation's, so reordering the inputs changes them
      }
      if (TIE_PRONE.contains(name)) {
        continue; // ties that the lowest-index rule settles by position: see TIE_PRONE
      }
      if (name.equals("monna")) {
        continue; // its pivot is a worker index (x0): a permutation moves the pivot
      }
      if (name.equals("mda")) {
        continue; // ties by construction: the subsets around one diameter-defining pair share its diameter
      }
      DenseRule r = rule(name);
      int f = maxF(r, n);
      if (f >= 0 && !close(rule(name).combine(shuffled, f), r.combine(x, f))) {
        throw new AssertionError(name + " with n=" + n + " f=" + f + " changed under a permutation");
      }
    }
    return true;
  }

  @Property(tries = 80, seed = "13")
  boolean noRobustRuleReturnsNonFiniteWithAtMostFBadInputs(@ForAll @IntRange(min = 7, max = 15) int n,
      @ForAll @IntRange(min = 1, max = 4) int d, @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] bad = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    for (String name : ROBUST) {
      DenseRule r = rule(name);
      int f = maxF(r, n);
      if (f < 1) {
        continue;
      }
      double[][] x = random(n, d, seed);
      for (int b = 0; b < f; b++) {
        int row = name.equals("monna") ? 1 + rng.nextInt(n - 1) : rng.nextInt(n); // monna trusts its pivot, x0
        x[row][rng.nextInt(d)] = bad[rng.nextInt(bad.length)];
        if (rng.nextBoolean()) {
          java.util.Arrays.fill(x[row], bad[rng.nextInt(bad.length)]);
        }
      }
      for (double v : combine(r, x, f, seed)) {
        if (!Double.isFinite(v)) {
          return false;
        }
      }
    }
    return true;
  }
}
