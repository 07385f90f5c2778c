package org.signsgd.aggregate;

/**
 * MoNNA's aggregation (Farhadkhani, Guerraoui, Gupta, Hoang, Pinot, Stephan, "Robust Collaborative Learning with
 * Linear Gradient Overhead", ICML 2023; ByzFL's {@code MoNNA(f, idx)}): the mean of the n − f rows nearest to the
 * row of a trusted worker, the pivot (parameter {@code pivot}, default 0, ByzFL's {@code idx}); the pivot is
 * its own nearest neighbour at distance 0. In the paper each honest node uses its own vector as the pivot; on one
 * server the pivot is a designated worker, and the guarantee holds only while that worker is honest. Ties: lowest
 * worker index (ByzFL's argpartition leaves them unspecified); a non-finite distance is +∞.
 *
 * <p>Requires n ≥ 2f + 1 (f &lt; n/2) and pivot &lt; n. Cost: n distances, O(n d), and a sort of n values. The
 * distances are sums over coordinates: one pass, so the rule runs chunk by chunk. The math and a worked example:
 * docs/aggregators.md#monna.
 */
public final class NearestNeighbourAveraging extends ChunkedDenseRule {
  public static final String NAME = "monna";

  private final int pivot;

  public NearestNeighbourAveraging(int pivot) {
    this.pivot = pivot;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void checkRequirement(int n, int f) {
    Requirements.majority(NAME, n, f);
    if (pivot >= n) {
      throw new IllegalArgumentException(NAME + ": pivot=" + pivot + " with n=" + n + "; allowed: 0 <= pivot <= "
          + (n - 1));
    }
  }

  @Override
  public int passes() {
    return 1;
  }

  /** ‖x_i − x_pivot‖² over the chunk, for each row i. */
  @Override
  public double[] partial(int pass, double[][] x, int f, java.io.Serializable decided) {
    checkRequirement(x.length, f);
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = Rows.squaredDistance(x[i], x[pivot]);
    }
    return out;
  }

  /** The n − f rows nearest to the pivot, nearest first (ties: lowest index; non-finite: +∞). */
  @Override
  public java.io.Serializable decide(int pass, double[] sums, int n, int f, java.io.Serializable decided) {
    double[] dist = new double[n];
    for (int i = 0; i < n; i++) {
      dist[i] = Double.isFinite(sums[i]) ? sums[i] : Double.POSITIVE_INFINITY;
    }
    return java.util.Arrays.copyOf(Rows.byScore(dist), n - f);
  }

  @Override
  public double[] finish(double[][] x, int f, java.io.Serializable decided) {
    return Rows.mean(x, (int[]) decided);
  }
}
