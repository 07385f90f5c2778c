package org.signsgd.aggregate;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * CAF, the Covariance-bound Agnostic Filter (Allouah, Guerraoui, Stephan, "Towards Trustworthy Federated Learning
 * with Untrusted Participants", ICML 2025, Algorithm 2; ByzFL's {@code CAF}): weights c_i = 1; while Σ c_i &gt; n − 2f:
 * μ_c = Σ c_i x_i / Σ c_i, Σ_c = Σ c_i (x_i − μ_c)(x_i − μ_c)ᵀ / Σ c_i, (λ, v) its top eigenpair,
 * τ_i = ((x_i − μ_c)·v)², c_i ← c_i (1 − τ_i / max_j τ_j). It returns the μ_c of the step with the smallest λ
 * (the first such step on ties). No covariance threshold: the filter is agnostic to the honest covariance bound,
 * and stops only on the total weight, as ByzFL's loop {@code while c_sum > n - 2f}; matched there are the loop
 * condition, the update, and the return of the smallest-λ mean.
 *
 * <p>Where this differs from ByzFL, and why: (1) λ and v are the exact top eigenpair (ByzFL takes one power step
 * from a random vector, which is neither exact nor deterministic); (2) max_j τ_j is over the rows still weighted
 * (c_j &gt; 0), so every step zeroes at least one of them and the loop ends within n steps (over all rows, a
 * zeroed far row keeps the maximum and the others barely move); (3) with f = 0 the loop does not run and the rule
 * returns the mean (ByzFL returns None); (4) rows at a non-finite distance from the others (a NaN or infinite
 * coordinate) start at c_i = 0, the row with the most such distances first (ties: the highest index), until the
 * rows left are at finite distances from each other; (5) when λ = 0 (the weighted rows all equal μ_c) it stops.
 *
 * <p>Computed from the squared distances D alone, so the cost after them does not depend on d: the weighted
 * centred Gram matrix G_ij = (x_i − μ_c)·(x_j − μ_c) = −½(D_ij − a_i − a_j + b), a_i = Σ_k c_k D_ik / C,
 * b = Σ_i c_i a_i / C, C = Σ c_i; Σ_c has the nonzero eigenvalues of M = C⁻¹ W^½ G W^½ (W = diag c), and for its top
 * eigenvector u, v ∝ Σ_j √c_j u_j (x_j − μ_c), so (x_i − μ_c)·v ∝ (G W^½ u)_i: τ_i / max τ needs no d-vector.
 * Requires n ≥ 2f + 1 (f &lt; n/2). Cost: the distances, O(n² d), then at most n steps of an n × n symmetric
 * eigenproblem, O(n⁴), and the weighted mean, O(n d). The distances are sums over coordinates: one pass, so the
 * rule runs chunk by chunk. The math and a worked example:
 * docs/aggregators.md#caf.
 */
public final class CovarianceBoundAgnosticFilter extends ChunkedDenseRule {
  public static final String NAME = "caf";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void checkRequirement(int n, int f) {
    Requirements.majority(NAME, n, f);
  }

  @Override
  public int passes() {
    return 1;
  }

  @Override
  public double[] partial(int pass, double[][] x, int f, java.io.Serializable decided) {
    return Rows.pairSums(x);
  }

  /** The weights c of the smallest-λ step. */
  @Override
  public java.io.Serializable decide(int pass, double[] sums, int n, int f, java.io.Serializable decided) {
    return weights(Rows.fromPairSums(sums, n), f);
  }

  /** μ_c over the chunk: Σ c_i x_i / Σ c_i over the rows with c_i &gt; 0. */
  @Override
  public double[] finish(double[][] x, int f, java.io.Serializable decided) {
    double[] c = (double[]) decided;
    double[] out = new double[x[0].length];
    double total = 0;
    for (int i = 0; i < x.length; i++) {
      if (c[i] > 0) {
        total += c[i];
        for (int k = 0; k < out.length; k++) {
          out[k] += c[i] * x[i][k];
        }
      }
    }
    for (int k = 0; k < out.length; k++) {
      out[k] /= total;
    }
    return out;
  }

  /** The filter on the n × n squared distances (non-finite: +∞): the weights of the step with the smallest λ. */
  static double[] weights(double[][] dist, int f) {
    int n = dist.length;
    double[] c = new double[n];
    java.util.Arrays.fill(c, 1.0);
    dropNonFinite(dist, c);
    double[] best = c.clone();
    double bestLambda = Double.POSITIVE_INFINITY;
    double total = sum(c);
    while (total > n - 2 * f) {
      double[] tau = new double[n];
      double lambda = topStep(dist, c, total, tau);
      if (lambda < bestLambda) {
        bestLambda = lambda;
        best = c.clone();
      }
      double tauMax = 0;
      for (int i = 0; i < n; i++) {
        if (c[i] > 0) {
          tauMax = Math.max(tauMax, tau[i]);
        }
      }
      if (!(lambda > 0) || !(tauMax > 0)) {
        break; // the weighted rows coincide with μ_c: nothing left to filter
      }
      for (int i = 0; i < n; i++) {
        if (c[i] > 0) {
          c[i] *= Math.max(0, 1 - tau[i] / tauMax);
        }
      }
      total = sum(c);
    }
    return best;
  }

  /**
   * λ_max(Σ_c), and into {@code tau} the values τ_i up to a common positive factor, (G W^½ u)_i² (only their ratios
   * are used).
   */
  static double topStep(double[][] dist, double[] c, double total, double[] tau) {
    int n = dist.length;
    double[] a = new double[n];
    double b = 0;
    for (int i = 0; i < n; i++) {
      if (c[i] > 0) {
        for (int k = 0; k < n; k++) {
          if (c[k] > 0) {
            a[i] += c[k] * dist[i][k];
          }
        }
        a[i] /= total;
        b += c[i] * a[i];
      }
    }
    b /= total;
    double[][] g = new double[n][n];
    double[][] m = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        if (c[i] > 0 && c[j] > 0) {
          double v = -0.5 * (dist[i][j] - a[i] - a[j] + b);
          g[i][j] = v;
          g[j][i] = v;
          double w = Math.sqrt(c[i] * c[j]) * v / total;
          m[i][j] = w;
          m[j][i] = w;
        }
      }
    }
    EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(m, false));
    double[] values = eig.getRealEigenvalues();
    int top = 0;
    for (int e = 1; e < values.length; e++) {
      if (values[e] > values[top]) {
        top = e;
      }
    }
    double[] u = eig.getEigenvector(top).toArray();
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < n; j++) {
        if (c[j] > 0) {
          s += g[i][j] * Math.sqrt(c[j]) * u[j];
        }
      }
      tau[i] = c[i] > 0 ? s * s : 0;
    }
    return Math.max(0, values[top]);
  }

  /** Zeroes rows at +∞ from others, the one with the most such distances first (ties: highest index). */
  private static void dropNonFinite(double[][] dist, double[] c) {
    int n = dist.length;
    while (true) {
      int worst = -1;
      int worstCount = 0;
      for (int i = 0; i < n; i++) {
        if (c[i] == 0) {
          continue;
        }
        int count = 0;
        for (int j = 0; j < n; j++) {
          if (j != i && c[j] > 0 && dist[i][j] == Double.POSITIVE_INFINITY) {
            count++;
          }
        }
        if (count > 0 && count >= worstCount) {
          worst = i;
          worstCount = count;
        }
      }
      if (worst < 0) {
        return;
      }
      c[worst] = 0;
    }
  }

  private static double sum(double[] c) {
    double s = 0;
    for (double v : c) {
      s += v;
    }
    return s;
  }
}
