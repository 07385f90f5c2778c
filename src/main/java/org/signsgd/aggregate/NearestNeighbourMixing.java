package org.signsgd.aggregate;

/**
 * NNM pre-aggregation (Allouah et al., "Fixing by Mixing: A Recipe for Optimal Byzantine ML under
 * Heterogeneity", AISTATS 2023, Algorithm 1):
 * each x_i is replaced by the mean of its n − f nearest vectors, itself included (ties: lowest worker index),
 * then any rule ({@code then}, default mean) runs on the mixed vectors. Requires f < n/2.
 */
public final class NearestNeighbourMixing extends DenseRule {
  public static final String NAME = "nnm";

  private final DenseRule then;

  public NearestNeighbourMixing(DenseRule then) {
    this.then = then;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void checkRequirement(int n, int f) {
    Requirements.basic(NAME, n, f);
    if (2 * f >= n) {
      throw new IllegalArgumentException(NAME + ": n=" + n + " with f=" + f + "; allowed: f < n/2");
    }
    then.checkRequirement(n, f);
  }

  @Override
  public double[] combine(double[][] x, int f) {
    double[][] dist = Rows.squaredDistances(x);
    double[][] y = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      int[] order = Rows.byScore(dist[i]); // dist[i][i] = 0: itself first
      y[i] = Rows.mean(x, java.util.Arrays.copyOf(order, x.length - f));
    }
    return then.combine(y, f);
  }
}
