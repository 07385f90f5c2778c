package org.signsgd.aggregate;

/**
 * Comparative Gradient Elimination, CGE (Gupta and Vaidya's norm filter, in Liu, Gupta, Vaidya, "Approximate
 * Byzantine Fault-Tolerance in Distributed Optimization", PODC 2021, the reference LPD-EPFL's ByzantineMomentum
 * {@code cge} gives): sort the rows by Euclidean norm, keep the n − f smallest (ties: lowest worker index, as
 * Python's stable sort there), and return their MEAN. The paper's update adds the kept gradients;
 * ByzantineMomentum's {@code aggregators/cge.py} divides that sum by n − f, and this
 * rule follows it (the sum is (n − f) times this direction). A non-finite norm is +∞ (ByzantineMomentum's
 * {@code byznorm}).
 *
 * <p>Requires 0 ≤ f &lt; n. Cost: n norms, O(n d), and a sort of n values. The norms are sums over coordinates: one
 * pass, so the rule runs chunk by chunk. The math and a worked example:
 * docs/aggregators.md#cge.
 */
public final class ComparativeGradientElimination extends ChunkedDenseRule {
  public static final String NAME = "cge";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void checkRequirement(int n, int f) {
    Requirements.basic(NAME, n, f);
  }

  @Override
  public int passes() {
    return 1;
  }

  /** ‖x_i‖² over the chunk, for each row i. */
  @Override
  public double[] partial(int pass, double[][] x, int f, java.io.Serializable decided) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double s = 0;
      for (double v : x[i]) {
        s += v * v;
      }
      out[i] = s;
    }
    return out;
  }

  /** The n − f rows of smallest norm, smallest first (ties: lowest index; non-finite: +∞). */
  @Override
  public java.io.Serializable decide(int pass, double[] sums, int n, int f, java.io.Serializable decided) {
    double[] norm = new double[n];
    for (int i = 0; i < n; i++) {
      norm[i] = Double.isFinite(sums[i]) ? sums[i] : Double.POSITIVE_INFINITY;
    }
    return java.util.Arrays.copyOf(Rows.byScore(norm), n - f);
  }

  @Override
  public double[] finish(double[][] x, int f, java.io.Serializable decided) {
    return Rows.mean(x, (int[]) decided);
  }
}
