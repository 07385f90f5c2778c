package org.signsgd.aggregate;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** The arithmetic the dense rules share, on rows x[i] of doubles. */
final class Rows {
  private Rows() {}

  /** ‖x_i − x_j‖² for every pair; a non-finite distance is +∞ (REFERENCE Part II §0). */
  static double[][] squaredDistances(double[][] x) {
    int n = x.length;
    double[][] out = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double s = 0;
        for (int k = 0; k < x[i].length; k++) {
          double t = x[i][k] - x[j][k];
          s += t * t;
        }
        double v = Double.isFinite(s) ? s : Double.POSITIVE_INFINITY;
        out[i][j] = v;
        out[j][i] = v;
      }
    }
    return out;
  }

  /** Indices 0..n−1 sorted by (score, index): the global tie rule, lowest worker index first. */
  static int[] byScore(double[] score) {
    return IntStream.range(0, score.length).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> score[i]).thenComparingInt(i -> i))
        .mapToInt(Integer::intValue).toArray();
  }

  /** The mean of the rows {@code pick}. */
  static double[] mean(double[][] x, int[] pick) {
    double[] out = new double[x[0].length];
    for (int i : pick) {
      for (int k = 0; k < out.length; k++) {
        out[k] += x[i][k];
      }
    }
    for (int k = 0; k < out.length; k++) {
      out[k] /= pick.length;
    }
    return out;
  }

  /** Coordinate k of every row. */
  static double[] column(double[][] x, int k) {
    double[] c = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      c[i] = x[i][k];
    }
    return c;
  }

  /** The median of v: the mean of the two middle values for an even count, or the lower one. NaN sorts last. */
  static double median(double[] v, boolean lower) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    if (n % 2 == 1) {
      return s[n / 2];
    }
    return lower ? s[n / 2 - 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /**
   * The mean of the {@code keep} values of v closest to {@code centre} (ties: lowest index); a non-finite
   * distance counts as +∞. Phocas, MeaMed and Bulyan's last step.
   */
  static double meanOfClosest(double[] v, double centre, int keep) {
    double[] dist = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      double t = Math.abs(v[i] - centre);
      dist[i] = Double.isFinite(t) ? t : Double.POSITIVE_INFINITY;
    }
    int[] order = byScore(dist);
    double s = 0;
    for (int j = 0; j < keep; j++) {
      s += v[order[j]];
    }
    return s / keep;
  }

  /** Coordinate-wise trimmed mean: drop the b smallest and b largest values of v, average the rest. */
  static double trimmedMean(double[] v, int b) {
    double[] s = v.clone();
    Arrays.sort(s);
    double t = 0;
    for (int j = b; j < s.length - b; j++) {
      t += s[j];
    }
    return t / (s.length - 2 * b);
  }
}
