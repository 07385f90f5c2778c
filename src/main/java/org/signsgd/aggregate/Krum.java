package org.signsgd.aggregate;

/**
 * Krum and Multi-Krum (Blanchard, El Mhamdi, Guerraoui, Stainer, "Machine Learning with Adversaries: Byzantine
 * Tolerant Gradient Descent", NeurIPS 2017: Krum and its Prop. 1, Multi-Krum in its experiments):
 * s(i) = Σ_{j ∈ N_i} ‖x_i − x_j‖², N_i the k vectors closest to x_i (self excluded); Krum = x_{argmin s},
 * Multi-Krum_m = the mean of the m lowest-scored. Defaults are the paper's (k = n − f − 2, squared) and
 * m = n − f; {@code neighbours}, {@code squared: false} and {@code m} give the implementations' variants (LPD:
 * k = n − f − 1, plain distances, m = n − f − 2). Requires n ≥ 2f + 3. Ties: lowest worker index.
 * <p>The math and a worked example: docs/aggregators.md#krum and #multi-krum.
 */
public final class Krum extends DistanceSelection {
  public static final String NAME = "krum";
  public static final String MULTI = "multi-krum";

  private final boolean multi;
  private final int neighbours;
  private final boolean squared;
  private final int m;

  /** @param neighbours k, or 0 for n − f − 2; @param m for Multi-Krum, or 0 for n − f */
  public Krum(boolean multi, int neighbours, boolean squared, int m) {
    this.multi = multi;
    this.neighbours = neighbours;
    this.squared = squared;
    this.m = m;
  }

  @Override
  public String name() {
    return multi ? MULTI : NAME;
  }

  /** 1/η(n, f)² with η² = 2(n − f + (f(n − f − 2) + f²(n − f − 1))/(n − 2f − 2)) (Blanchard et al. Prop. 1). */
  @Override
  public Double varianceBound(int n, int f) {
    return Krum.eta2(n, f) > 0 ? 1 / Krum.eta2(n, f) : null;
  }

  static double eta2(int n, int f) {
    double den = n - 2.0 * f - 2;
    if (den <= 0) {
      return -1;
    }
    return 2 * (n - f + (f * (n - f - 2.0) + (double) f * f * (n - f - 1)) / den);
  }

  @Override
  public void checkRequirement(int n, int f) {
    Requirements.basic(name(), n, f);
    if (n < 2 * f + 3) {
      throw new IllegalArgumentException(name() + ": n=" + n + " with f=" + f + "; allowed: n >= 2f + 3, i.e. f <= "
          + Math.max(0, (n - 3) / 2));
    }
    if (neighbours > n - 1) {
      throw new IllegalArgumentException(name() + ": neighbours=" + neighbours + " with n=" + n
          + "; allowed: 1 <= neighbours <= n - 1");
    }
    if (m > n) {
      throw new IllegalArgumentException(name() + ": m=" + m + " with n=" + n + "; allowed: 1 <= m <= n");
    }
  }

  /** Each row's score. */
  double[] scores(double[][] x, int f) {
    return scoresFromDistances(Rows.fromPairSums(Rows.pairSums(x), x.length), f);
  }

  /** Each row's score from the n × n squared distances. */
  double[] scoresFromDistances(double[][] dist, int f) {
    int n = dist.length;
    int k = neighbours > 0 ? neighbours : n - f - 2;
    double[] score = new double[n];
    for (int i = 0; i < n; i++) {
      double[] others = new double[n - 1];
      for (int j = 0, o = 0; j < n; j++) {
        if (j != i) {
          others[o++] = squared ? dist[i][j] : Math.sqrt(dist[i][j]);
        }
      }
      java.util.Arrays.sort(others);
      double s = 0;
      for (int j = 0; j < k; j++) {
        s += others[j];
      }
      score[i] = s;
    }
    return score;
  }

  /** The rows by score, lowest first (ties: lowest index). */
  @Override
  int[] select(double[][] dist, int f) {
    return Rows.byScore(scoresFromDistances(dist, f));
  }

  @Override
  public double[] finish(double[][] x, int f, java.io.Serializable decided) {
    int[] order = (int[]) decided;
    if (!multi) {
      return x[order[0]].clone();
    }
    int count = m > 0 ? m : x.length - f;
    return Rows.mean(x, java.util.Arrays.copyOf(order, count));
  }
}
