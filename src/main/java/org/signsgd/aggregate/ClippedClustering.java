package org.signsgd.aggregate;

/**
 * Clipped clustering (Li, Ngai, Voigt, "An Experimental Study of Byzantine-Robust Aggregation Schemes in Federated
 * Learning", IEEE Transactions on Big Data, 2023, the "ClippedClustering" scheme; Blades' {@code Clippedclustering}):
 * every vector is clipped to the norm τ = min(median_i ‖x_i‖, {@code tau}), x_i ← x_i · min(1, τ/‖x_i‖), then
 * {@link Clustering} runs on the clipped vectors and the rule returns the mean of the larger cosine cluster of
 * clipped vectors. Requires f &lt; n/2 (the median norm and the larger cluster both rest on an honest majority).
 * Cost: O(nd) for the norms and the clipping, then as {@link Clustering}.
 *
 * <p>Where this matches Blades: the median norm capped by {@code tau} (default 1e5, Blades' max_tau), clipping
 * only the vectors above it, average linkage by default ({@code single}, Blades' other choice, and
 * {@code complete} on request), cosine distances and the larger of two clusters as in {@link Clustering}. Where it
 * differs: Blades takes the median over the history of every norm it has seen in all rounds so far; this rule
 * keeps no state and takes the median of the current round's n norms (mean of the two middle ones for even n,
 * as NumPy's median). A vector whose norm is not finite counts as +∞ in the median, is not clipped and is left
 * out of the clustering (Blades maps its NaN distances to 2). Ties as in {@link Clustering}. See
 * docs/aggregators.md. The norms and dot products are sums over the coordinates, so it runs chunk by chunk
 * ({@link ChunkedRule}), sharded too.
 */
public final class ClippedClustering extends ChunkedDenseRule {
  public static final String NAME = "clipped-clustering";

  private final double tau;
  private final CosineClusters.Linkage linkage;

  public ClippedClustering(double tau, CosineClusters.Linkage linkage) {
    this.tau = tau;
    this.linkage = linkage;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void checkRequirement(int n, int f) {
    Requirements.majority(NAME, n, f);
  }

  /** τ = min(median of the norms, tau): non-finite norms sort last (+∞). */
  double threshold(double[] norms) {
    return Math.min(Rows.median(norms, false), tau);
  }

  /** What the pass decided: each row's clipping factor, and the rows of the larger cluster. */
  private record Selection(double[] scale, int[] rows) implements java.io.Serializable {}

  /** One pass: the norms and dot products, sums over the chunks. */
  @Override
  public int passes() {
    return 1;
  }

  @Override
  public double[] partial(int pass, double[][] x, int f, java.io.Serializable decided) {
    return CosineClusters.gram(x);
  }

  /**
   * The factors min(1, τ/‖x_i‖) (1 for a non-finite norm: not clipped, and left out of the clustering) and the larger
   * cosine cluster of the clipped rows, whose cosines are those of the rows themselves (unless clipped to zero).
   */
  @Override
  public java.io.Serializable decide(int pass, double[] sums, int n, int f, java.io.Serializable decided) {
    double[] norms = CosineClusters.norms(sums, n);
    double t = threshold(norms);
    double[] scale = new double[n];
    for (int i = 0; i < n; i++) {
      scale[i] = Double.isFinite(norms[i]) && norms[i] > t ? t / norms[i] : 1;
    }
    return new Selection(scale, CosineClusters.larger(sums, n, scale, linkage));
  }

  /** The mean of the cluster's clipped rows. */
  @Override
  public double[] finish(double[][] x, int f, java.io.Serializable decided) {
    Selection s = (Selection) decided;
    double[][] clipped = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      clipped[i] = new double[x[i].length];
      for (int k = 0; k < x[i].length; k++) {
        clipped[i][k] = x[i][k] * s.scale()[i];
      }
    }
    return Rows.mean(clipped, s.rows());
  }
}
