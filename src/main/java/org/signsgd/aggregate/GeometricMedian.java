package org.signsgd.aggregate;

/**
 * The geometric median argmin_z Σ_i ‖z − x_i‖ by the smoothed Weiszfeld iteration (Pillutla, Kakade, Harchaoui,
 * "Robust Aggregation for Federated Learning", IEEE TSP 2022, RFA's smoothed Weiszfeld algorithm):
 * β_i = (1/n) / max(ν, ‖z − x_i‖), z ← Σ β_i x_i / Σ β_i, from z = 0, T times (EPFML and ByzFL: ν = 0.1, T = 3).
 * Requires n ≥ 2f + 1.
 * <p>The math and a worked example: docs/aggregators.md#geometric-median.
 */
public final class GeometricMedian extends ChunkedDenseRule {
  public static final String NAME = "geometric-median";

  private final double nu;
  private final int iterations;

  public GeometricMedian(double nu, int iterations) {
    this.nu = nu;
    this.iterations = iterations;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void checkRequirement(int n, int f) {
    Requirements.majority(NAME, n, f);
  }

  /** One pass per Weiszfeld step: the squared distances of the rows to that step's z. */
  @Override
  public int passes() {
    return iterations;
  }

  /** Σ_k (z_k − x_ik)² over the chunk, for each row i, z from the weights decided so far (0 at first). */
  @Override
  public double[] partial(int pass, double[][] x, int f, java.io.Serializable decided) {
    double[] z = z(x, (double[]) decided);
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double s = 0;
      for (int k = 0; k < z.length; k++) {
        double e = z[k] - x[i][k];
        s += e * e;
      }
      out[i] = s;
    }
    return out;
  }

  /** β_i = (1/n) / max(ν, ‖z − x_i‖), 0 for a non-finite distance (ByzFL drops rows with infinities). */
  @Override
  public java.io.Serializable decide(int pass, double[] sums, int n, int f, java.io.Serializable decided) {
    double[] beta = new double[n];
    for (int i = 0; i < n; i++) {
      double dist = Math.sqrt(sums[i]);
      beta[i] = Double.isFinite(dist) ? (1.0 / n) / Math.max(nu, dist) : 0;
    }
    return beta;
  }

  @Override
  public double[] finish(double[][] x, int f, java.io.Serializable decided) {
    return z(x, (double[]) decided);
  }

  /** z = Σ β_i x_i / Σ β_i over the rows with a weight; 0 before the first step. */
  private static double[] z(double[][] x, double[] beta) {
    int d = x[0].length;
    double[] z = new double[d];
    if (beta == null) {
      return z;
    }
    double total = 0;
    for (int i = 0; i < x.length; i++) {
      if (beta[i] == 0) {
        continue;
      }
      total += beta[i];
      for (int k = 0; k < d; k++) {
        z[k] += beta[i] * x[i][k];
      }
    }
    for (int k = 0; k < d; k++) {
      z[k] /= total;
    }
    return z;
  }
}
