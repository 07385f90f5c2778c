package org.signsgd.server;

import java.util.List;

/**
 * The variance-norm ratio of k vectors (El Mhamdi, Guerraoui, Rouault, "Distributed Momentum for Byzantine-resilient
 * Stochastic Gradient Descent", ICLR 2021; LPD-EPFL's {@code study.compute_ratio}):
 * r = (1/(k−1)) Σ_m ‖u_m − ū‖² / ‖ū‖², ū their mean. Taken as two sums per chunk of coordinates ({@link #sums}),
 * added in chunk order, then divided ({@link #of(double, double, int)}). In double, in worker order.
 */
public final class VarianceNormRatio {
  private VarianceNormRatio() {}

  /** r over whole vectors; null with fewer than 2, a missing one, or a zero mean. */
  public static Double of(List<float[]> vectors) {
    double[] s = sums(vectors);
    return s == null ? null : of(s[0], s[1], vectors.size());
  }

  /** {Σ_i ū_i², Σ_m Σ_i (u_m,i − ū_i)²} over the vectors' coordinates; null with fewer than 2 or a missing one. */
  static double[] sums(List<float[]> vectors) {
    int k = vectors.size();
    if (k < 2 || vectors.contains(null)) {
      return null;
    }
    int d = vectors.get(0).length;
    double[] mean = new double[d];
    for (float[] u : vectors) {
      for (int i = 0; i < d; i++) {
        mean[i] += u[i];
      }
    }
    double meanNorm = 0;
    for (int i = 0; i < d; i++) {
      mean[i] /= k;
      meanNorm += mean[i] * mean[i];
    }
    double dev = 0;
    for (float[] u : vectors) {
      for (int i = 0; i < d; i++) {
        double e = u[i] - mean[i];
        dev += e * e;
      }
    }
    return new double[] {meanNorm, dev};
  }

  /** r from the sums over all chunks; null for a zero mean. */
  static Double of(double meanNorm, double dev, int k) {
    return meanNorm == 0 ? null : dev / (k - 1) / meanNorm;
  }
}
