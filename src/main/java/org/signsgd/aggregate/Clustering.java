package org.signsgd.aggregate;

/**
 * Cosine clustering (Sattler, Müller, Wiegand, Samek, "On the Byzantine Robustness of Clustered Federated
 * Learning", ICASSP 2020), as in Blades (Li et al.) {@code Clustering}: the pairwise cosine distances
 * 1 − cos(x_i, x_j), agglomerative clustering of the workers into two clusters, and the mean of the larger one
 * (on equal sizes, the cluster holding the lowest worker index). Requires f &lt; n/2, so that the honest workers
 * are the majority the rule bets on. Cost: O(n²d) for the distances, O(n³) for the clustering. The norms and dot
 * products are sums over the coordinates, so it runs chunk by chunk ({@link ChunkedRule}), sharded too.
 *
 * <p>Where this matches Blades: cosine distance 1 − cos, two clusters, the mean of the larger; a zero vector has
 * cosine 0 with every vector, as torch's cosine_similarity gives. Where it differs: {@code linkage} is average by
 * default (Blades' {@code Clustering} uses complete, its {@code Clippedclustering} average; both are offered, and
 * single); on an even split Blades keeps scikit-learn's label-0 cluster, here the cluster holding the lowest
 * index (the same for odd n, where sizes cannot tie); equal merge distances go to the pair with the lowest
 * first members; a vector whose norm is not finite is an outlier left out before clustering (Blades maps NaN
 * distances to a fixed value and clusters it). See docs/aggregators.md.
 */
public final class Clustering extends ChunkedDenseRule {
  public static final String NAME = "clustering";

  private final CosineClusters.Linkage linkage;

  public Clustering(CosineClusters.Linkage linkage) {
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

  /** One pass: the norms and dot products, sums over the chunks. */
  @Override
  public int passes() {
    return 1;
  }

  @Override
  public double[] partial(int pass, double[][] x, int f, java.io.Serializable decided) {
    return CosineClusters.gram(x);
  }

  /** The rows of the larger cosine cluster. */
  @Override
  public java.io.Serializable decide(int pass, double[] sums, int n, int f, java.io.Serializable decided) {
    return CosineClusters.larger(sums, n, null, linkage);
  }

  /** Their mean. */
  @Override
  public double[] finish(double[][] x, int f, java.io.Serializable decided) {
    return Rows.mean(x, (int[]) decided);
  }
}
