package org.signsgd.aggregate;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * Smallest Maximum Eigenvalue Averaging, SMEA (Allouah, Guerraoui, Gupta, Pinot, Stephan, "On the
 * Privacy-Robustness-Utility Trilemma in Distributed Learning", ICML 2023, the reference ByzFL's {@code SMEA}
 * gives): among the subsets S of n − f rows, the one minimising λ_max(Σ_S), Σ_S = (1/|S|) Σ_{i∈S} (x_i − x̄_S)(x_i −
 * x̄_S)ᵀ, and its mean x̄_S. Ties: the lexicographically smallest index set (ByzFL keeps the first strict minimum
 * over itertools.combinations); as the eigenvalues carry rounding, a later set replaces the best only when its
 * value is smaller by more than a relative {@link #TIE} = 1e-10.
 *
 * <p>λ_max(Σ_S) = λ_max(G_S)/|S| with G_S the |S| × |S| Gram matrix of the centred rows, which has the same nonzero
 * eigenvalues as |S|·Σ_S; G_S comes from the squared distances by double centring, G_ab = −½(D_ab − r_a − r_b + t),
 * r_a the mean of row a of D over S and t the mean of the r_a, so after the distances nothing depends on d. Its
 * largest eigenvalue is exact (commons-math3's symmetric {@link EigenDecomposition}), where ByzFL takes one power
 * step from a random vector. A non-finite distance makes a subset's value +∞. A subset is skipped without its
 * eigenvalues when max_{a,b∈S} D_ab/(2|S|) already exceeds the best value (λ_max(Σ_S) is at least the variance
 * along x_a − x_b, which is at least D_ab/(2|S|)).
 *
 * <p>Requires n ≥ 2f + 1 (f &lt; n/2). Cost: the distances, O(n² d), then for each of the C(n, f) subsets an
 * O((n − f)³) eigenvalue problem; refused when C(n, f) exceeds {@link #MAX_SUBSETS}. The distances are sums over
 * coordinates, so the rule runs chunk by chunk ({@link DistanceSelection}). The math and a worked example:
 * docs/aggregators.md#smea.
 */
public final class SmallestMaxEigenvalueAveraging extends DistanceSelection {
  public static final String NAME = "smea";
  /** The most subsets the exact search may visit (each costs an eigenvalue problem, hence lower than MDA's). */
  public static final long MAX_SUBSETS = 1_000_000L;
  /** Values within this relative difference are ties (the eigenvalues carry rounding): the earlier set keeps. */
  static final double TIE = 1e-10;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void checkRequirement(int n, int f) {
    Requirements.majority(NAME, n, f);
    Subsets.check(NAME, n, f, MAX_SUBSETS);
  }

  /** The chosen subset, in increasing index order. */
  @Override
  int[] select(double[][] dist, int f) {
    int n = dist.length;
    checkRequirement(n, f);
    int m = n - f;
    int[] s = new int[m];
    for (int a = 0; a < m; a++) {
      s[a] = a;
    }
    int[] best = s.clone();
    double bestValue = Double.POSITIVE_INFINITY;
    do {
      double diameter = 0;
      for (int a = 0; a < m; a++) {
        for (int b = a + 1; b < m; b++) {
          diameter = Math.max(diameter, dist[s[a]][s[b]]);
        }
      }
      if (diameter == Double.POSITIVE_INFINITY || diameter / (2.0 * m) > bestValue * (1 + 1e-9)) {
        continue; // cannot be strictly smaller (the margin keeps rounding of the eigenvalues out of the choice)
      }
      double value = maxEigenvalue(dist, s);
      if (value < bestValue * (1 - TIE)) {
        bestValue = value;
        best = s.clone();
      }
    } while (next(s, n));
    return best;
  }

  /** λ_max of the covariance (1/|S|) Σ (x_i − x̄)(x_i − x̄)ᵀ of the rows s, from their squared distances. */
  static double maxEigenvalue(double[][] dist, int[] s) {
    int m = s.length;
    if (m == 1) {
      return 0;
    }
    double[] r = new double[m];
    double t = 0;
    for (int a = 0; a < m; a++) {
      for (int b = 0; b < m; b++) {
        r[a] += dist[s[a]][s[b]];
      }
      r[a] /= m;
      t += r[a];
    }
    t /= m;
    double[][] g = new double[m][m];
    for (int a = 0; a < m; a++) {
      for (int b = a; b < m; b++) {
        double v = -0.5 * (dist[s[a]][s[b]] - r[a] - r[b] + t);
        g[a][b] = v;
        g[b][a] = v;
      }
    }
    double max = 0;
    for (double e : new EigenDecomposition(new Array2DRowRealMatrix(g, false)).getRealEigenvalues()) {
      max = Math.max(max, e);
    }
    return max / m;
  }

  /** The next index set in lexicographic order; false after the last. */
  static boolean next(int[] s, int n) {
    int m = s.length;
    int a = m - 1;
    while (a >= 0 && s[a] == n - m + a) {
      a--;
    }
    if (a < 0) {
      return false;
    }
    s[a]++;
    for (int b = a + 1; b < m; b++) {
      s[b] = s[b - 1] + 1;
    }
    return true;
  }

  @Override
  public double[] finish(double[][] x, int f, java.io.Serializable decided) {
    return Rows.mean(x, (int[]) decided);
  }
}
