package org.signsgd.train;

import java.util.List;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;

/**
 * The dense rules' per-iteration metrics (El Mhamdi, Guerraoui, Rouault, ICLR 2021): the variance-norm ratio of the
 * honest vectors as the server received them, r = (1/(k−1)) Σ‖u_i − ū‖² / ‖ū‖² (LPD {@code study.compute_ratio}),
 * and the cosine between the applied direction and the reference gradient. In double.
 */
final class DenseMetrics {
  private DenseMetrics() {}

  /** r over the honest dense messages; null with fewer than 2 or a zero mean. */
  static Double varianceNormRatio(List<Message> honest) {
    int k = honest.size();
    if (k < 2) {
      return null;
    }
    int d = honest.get(0).dimension();
    double[] mean = new double[d];
    for (Message m : honest) {
      float[] u = ((DenseMessage) m).values();
      for (int i = 0; i < d; i++) {
        mean[i] += u[i];
      }
    }
    double meanNorm = 0;
    for (int i = 0; i < d; i++) {
      mean[i] /= k;
      meanNorm += mean[i] * mean[i];
    }
    if (meanNorm == 0) {
      return null;
    }
    double dev = 0;
    for (Message m : honest) {
      float[] u = ((DenseMessage) m).values();
      for (int i = 0; i < d; i++) {
        double e = u[i] - mean[i];
        dev += e * e;
      }
    }
    return dev / (k - 1) / meanNorm;
  }

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
