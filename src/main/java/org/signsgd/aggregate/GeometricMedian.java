package org.signsgd.aggregate;

/**
 * The geometric median argmin_z Σ_i ‖z − x_i‖ by the smoothed Weiszfeld iteration (Pillutla, Kakade, Harchaoui,
 * "Robust Aggregation for Federated Learning", IEEE TSP 2022, RFA's smoothed Weiszfeld algorithm):
 * β_i = (1/n) / max(ν, ‖z − x_i‖), z ← Σ β_i x_i / Σ β_i, from z = 0, T times (EPFML and ByzFL: ν = 0.1, T = 3).
 * Requires n ≥ 2f + 1.
 */
public final class GeometricMedian extends DenseRule {
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

  @Override
  public double[] combine(double[][] x, int f) {
    int d = x[0].length;
    double[] z = new double[d];
    for (int t = 0; t < iterations; t++) {
      double[] next = new double[d];
      double total = 0;
      for (double[] xi : x) {
        double s = 0;
        for (int k = 0; k < d; k++) {
          double e = z[k] - xi[k];
          s += e * e;
        }
        double dist = Math.sqrt(s);
        if (!Double.isFinite(dist)) {
          continue; // a non-finite row gets weight 0 (ByzFL drops rows with infinities)
        }
        double beta = (1.0 / x.length) / Math.max(nu, dist);
        total += beta;
        for (int k = 0; k < d; k++) {
          next[k] += beta * xi[k];
        }
      }
      for (int k = 0; k < d; k++) {
        z[k] = next[k] / total;
      }
    }
    return z;
  }
}
