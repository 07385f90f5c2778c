package org.signsgd.aggregate;

/**
 * MoNNA's aggregation (Farhadkhani, Guerraoui, Gupta, Hoang, Pinot, Stephan, "Robust Collaborative Learning with
 * Linear Gradient Overhead", ICML 2023; ByzFL's {@code MoNNA(f, idx)}): the mean of the n − f rows nearest to the
 * row of a trusted worker, the pivot (parameter {@code pivot}, default 0, ByzFL's {@code idx}); the pivot is
 * its own nearest neighbour at distance 0. In the paper each honest node uses its own vector as the pivot; on one
 * server the pivot is a designated worker, and the guarantee holds only while that worker is honest. Ties: lowest
 * worker index (ByzFL's argpartition leaves them unspecified); a non-finite distance is +∞.
 *
 * <p>The pivot is a worker, not a position: when a malformed message never reached the rule, the rows are the
 * remaining workers' and the pivot's row is found by its id; when the pivot's own message was malformed, the lowest
 * worker whose message arrived stands in. Inside a pre-aggregator the rows are the pre-aggregator's (mixed or
 * bucketed vectors) and {@code pivot} is a row.
 *
 * <p>Requires n ≥ 2f + 1 (f &lt; n/2) and pivot &lt; n. Cost: n distances, O(n d), and a sort of n values. The
 * distances are sums over coordinates: one pass, so the rule runs chunk by chunk. The math and a worked example:
 * docs/aggregators.md#monna.
 */
public final class NearestNeighbourAveraging extends ChunkedDenseRule {
  public static final String NAME = "monna";

  private final int pivot;
  /** The row holding the pivot's message; -1 until the workers of the rows are known (row = pivot then). */
  private final int row;

  public NearestNeighbourAveraging(int pivot) {
    this(pivot, -1);
  }

  private NearestNeighbourAveraging(int pivot, int row) {
    this.pivot = pivot;
    this.row = row;
  }

  /** The rule for rows of these workers: the pivot's row, or row 0 (the lowest worker there) if it is absent. */
  @Override
  public NearestNeighbourAveraging forWorkers(int[] workers) {
    for (int i = 0; i < workers.length; i++) {
      if (workers[i] == pivot) {
        return new NearestNeighbourAveraging(pivot, i);
      }
    }
    return new NearestNeighbourAveraging(pivot, 0);
  }

  @Override
  public Direction aggregate(java.util.List<org.signsgd.message.Message> messages, AggregationContext ctx) {
    if (row >= 0) {
      return super.aggregate(messages, ctx);
    }
    return forWorkers(messages.stream().mapToInt(org.signsgd.message.Message::worker).toArray())
        .aggregate(messages, ctx);
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
    int p = row >= 0 ? row : pivot;
    if (row < 0) {
      checkRequirement(x.length, f);
    } else {
      Requirements.majority(NAME, x.length, f);
    }
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = Rows.squaredDistance(x[i], x[p]);
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
