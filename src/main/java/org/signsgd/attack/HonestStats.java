package org.signsgd.attack;

import java.util.List;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;

/**
 * The honest vectors as the omniscient dense attacks read them: after worker momentum, as submitted (as in the code of
 * El Mhamdi, Guerraoui, Rouault, ICLR 2021, where "the adversary knows the momentum"); their coordinate mean μ and
 * unbiased standard deviation σ (1/(|H| − 1), as LPD, EPFML and ByzFL compute it), in double.
 */
final class HonestStats {
  private HonestStats() {}

  static double[][] rows(List<Message> honest) {
    return DenseMessage.rows(honest);
  }

  static double[] mean(double[][] h) {
    double[] mu = new double[h[0].length];
    for (double[] row : h) {
      for (int k = 0; k < mu.length; k++) {
        mu[k] += row[k];
      }
    }
    for (int k = 0; k < mu.length; k++) {
      mu[k] /= h.length;
    }
    return mu;
  }

  /** Unbiased coordinate-wise standard deviation; 0 for a single vector. */
  static double[] std(double[][] h, double[] mu) {
    double[] s = new double[mu.length];
    if (h.length < 2) {
      return s;
    }
    for (double[] row : h) {
      for (int k = 0; k < s.length; k++) {
        double e = row[k] - mu[k];
        s[k] += e * e;
      }
    }
    for (int k = 0; k < s.length; k++) {
      s[k] = Math.sqrt(s[k] / (h.length - 1));
    }
    return s;
  }

  static float[] toFloats(double[] v) {
    float[] out = new float[v.length];
    for (int k = 0; k < v.length; k++) {
      out[k] = (float) v[k];
    }
    return out;
  }
}
