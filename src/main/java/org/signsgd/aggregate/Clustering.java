package org.signsgd.aggregate;

import java.util.stream.IntStream;

/**
 * Cosine clustering (Sattler, Müller, Wiegand, Samek, "On the Byzantine Robustness of Clustered Federated
 * Learning", ICASSP 2020), as in Blades (Li et al.) {@code Clustering}: the pairwise cosine distances
 * 1 − cos(x_i, x_j), agglomerative clustering of the workers into two clusters, and the mean of the larger one
 * (on equal sizes, the cluster holding the lowest worker index). Requires f &lt; n/2, so that the honest workers
 * are the majority the rule bets on. Cost: O(n²d) for the distances, O(n³) for the clustering.
 *
 * <p>Where this matches Blades: cosine distance 1 − cos, two clusters, the mean of the larger; a zero vector has
 * cosine 0 with every vector, as torch's cosine_similarity gives. Where it differs: {@code linkage} is average by
 * default (Blades' {@code Clustering} uses complete, its {@code Clippedclustering} average; both are offered, and
 * single); on an even split Blades keeps scikit-learn's label-0 cluster, here the cluster holding the lowest
 * index (the same for odd n, where sizes cannot tie); equal merge distances go to the pair with the lowest
 * first members; a vector whose norm is not finite is an outlier left out before clustering (Blades maps NaN
 * distances to a fixed value and clusters it). See docs/aggregators.md.
 */
public final class Clustering extends DenseRule {
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

  @Override
  public double[] combine(double[][] x, int f) {
    return Rows.mean(x, larger(x, CosineClusters.norms(x), linkage));
  }

  /**
   * The workers of the larger of the two cosine clusters of the rows with a finite norm (all rows if none has
   * one: the mean is then not finite, which at most f &lt; n/2 non-finite rows never reach).
   */
  static int[] larger(double[][] x, double[] norms, CosineClusters.Linkage linkage) {
    int[] rows = CosineClusters.finiteRows(norms);
    if (rows.length == 0) {
      return IntStream.range(0, x.length).toArray();
    }
    int[][] two = CosineClusters.agglomerate(CosineClusters.cosineDistances(x, rows, norms), linkage, 2);
    return CosineClusters.rowsOf(rows, CosineClusters.largest(two));
  }
}
