package org.signsgd.train;


/**
 * The cosine between the applied direction and the reference gradient, a dense rule's per-iteration metric (El
 * Mhamdi, Guerraoui, Rouault, ICLR 2021); the variance-norm ratio is the server's
 * ({@link org.signsgd.server.VarianceNormRatio}). In double.
 */
final class DenseMetrics {
  private DenseMetrics() {}

  /** cos(a, b); null when either is zero. */
  static Double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return na == 0 || nb == 0 ? null : dot / Math.sqrt(na * nb);
  }
}
