package org.signsgd.aggregate;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** The arithmetic the dense rules share, on rows x[i] of doubles. */
final class Rows {
  private Rows() {}

  /** ‖x_i − x_j‖² for i < j, row-major over the upper triangle: one chunk's part of the distances. */
  static double[] pairSums(double[][] x) {
    int n = x.length;
    double[] out = new double[n * (n - 1) / 2];
    for (int i = 0, p = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        out[p++] = squaredDistance(x[i], x[j]);
      }
    }
    return out;
  }

  /**
   * The n × n matrix of the distances {@link #pairSums} summed over the chunks; a non-finite distance is +∞, as in
   * LPD-EPFL's ByzantineMomentum Krum.
   */
  static double[][] fromPairSums(double[] sums, int n) {
    double[][] out = new double[n][n];
    for (int i = 0, p = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double v = Double.isFinite(sums[p]) ? sums[p] : Double.POSITIVE_INFINITY;
        p++;
        out[i][j] = v;
        out[j][i] = v;
      }
    }
    return out;
  }

  /** ‖a − b‖², summed in four interleaved partial sums (fixed order: the same bits on every machine). */
  static double squaredDistance(double[] a, double[] b) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int d = a.length;
    int k = 0;
    for (; k + 3 < d; k += 4) {
      double t0 = a[k] - b[k];
      double t1 = a[k + 1] - b[k + 1];
      double t2 = a[k + 2] - b[k + 2];
      double t3 = a[k + 3] - b[k + 3];
      s0 += t0 * t0;
      s1 += t1 * t1;
      s2 += t2 * t2;
      s3 += t3 * t3;
    }
    for (; k < d; k++) {
      double t = a[k] - b[k];
      s0 += t * t;
    }
    return (s0 + s1) + (s2 + s3);
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

  /**
   * How many coordinates {@link #byColumn} and {@link #byNetwork} take at a time: at a few dozen rows, n × 256 doubles
   * stay in the core's L2 cache.
   */
  static final int TILE = 256;

  /**
   * out[k] = f(coordinate k of every row), for every k. The rows are read a tile of {@link #TILE} coordinates at a
   * time, each row's part in one sequential pass, rather than n scattered reads per coordinate (one cache miss per
   * row and coordinate once the rows outgrow the cache). f gets a buffer that is refilled for the next coordinate:
   * it may reorder it but must not keep it.
   */
  static double[] byColumn(double[][] x, java.util.function.ToDoubleFunction<double[]> f) {
    int n = x.length;
    int d = x[0].length;
    double[] out = new double[d];
    double[] tile = new double[TILE * n];
    double[] column = new double[n];
    for (int from = 0; from < d; from += TILE) {
      int len = Math.min(TILE, d - from);
      for (int i = 0; i < n; i++) {
        double[] row = x[i];
        for (int j = 0, at = i; j < len; j++, at += n) {
          tile[at] = row[from + j];
        }
      }
      for (int j = 0; j < len; j++) {
        System.arraycopy(tile, j * n, column, 0, n);
        out[from + j] = f.applyAsDouble(column);
      }
    }
    return out;
  }

  /** Up to how many rows {@link #byNetwork} orders columns with a comparator network (beyond, it is too long). */
  static final int NETWORK_ROWS = 256;

  /** What a tile of lanes ordered by a {@link SortingNetwork} gives: out[from + j] for each lane j < len. */
  @FunctionalInterface
  interface TileResult {
    void write(double[][] tile, int len, double[] out, int from);
  }

  /**
   * out[k] for every coordinate k, from its column ordered by {@code network}: each tile of {@link #TILE}
   * coordinates is copied, the network orders every lane of it at once, and {@code result} reads the order
   * statistics it needs. A tile with a NaN in it takes {@code exact}, the rule's definition, column by column
   * (the network would spread the NaN).
   */
  static double[] byNetwork(double[][] x, SortingNetwork network, TileResult result,
      java.util.function.ToDoubleFunction<double[]> exact) {
    int n = x.length;
    int d = x[0].length;
    double[] out = new double[d];
    double[][] tile = new double[n][TILE];
    double[] column = new double[n];
    for (int from = 0; from < d; from += TILE) {
      int len = Math.min(TILE, d - from);
      boolean nan = false;
      for (int i = 0; i < n; i++) {
        double[] lane = tile[i];
        System.arraycopy(x[i], from, lane, 0, len);
        for (int j = 0; j < len; j++) {
          nan |= lane[j] != lane[j];
        }
      }
      if (nan) {
        for (int j = 0; j < len; j++) {
          for (int i = 0; i < n; i++) {
            column[i] = x[i][from + j];
          }
          out[from + j] = exact.applyAsDouble(column);
        }
        continue;
      }
      network.apply(tile, len);
      result.write(tile, len, out, from);
    }
    return out;
  }

  /**
   * out[k] = {@link #meanOfClosest}(column k, centre, keep) with the centre a function of the sorted column (a
   * median, a trimmed mean), for every k: the same values, each tile's columns sorted by a comparator network (the
   * order {@link Arrays#sort} gives, −0.0 below 0.0) instead of one sort per column. Beyond
   * {@link #NETWORK_ROWS} rows, column by column.
   */
  static double[] meanOfClosestSorted(double[][] x, java.util.function.ToDoubleFunction<double[]> centreOfSorted,
      int keep) {
    int n = x.length;
    java.util.function.ToDoubleFunction<double[]> exact = v -> {
      double[] s = v.clone();
      Arrays.sort(s);
      return meanOfClosest(v, centreOfSorted.applyAsDouble(s), keep);
    };
    if (n > NETWORK_ROWS) {
      return byColumn(x, exact);
    }
    double[] sorted = new double[n];
    double[] original = new double[n];
    return byNetwork(x, SortingNetwork.sorting(n), (tile, len, out, from) -> {
      for (int j = 0; j < len; j++) {
        for (int i = 0; i < n; i++) {
          sorted[i] = tile[i][j];
        }
        double centre = centreOfSorted.applyAsDouble(sorted);
        double fast = closestWindow(sorted, centre, keep);
        if (Double.isNaN(fast)) { // a tie or a non-finite distance: the lowest-index rule on the column as sent
          for (int i = 0; i < n; i++) {
            original[i] = x[i][from + j];
          }
          fast = meanOfClosestByIndex(original, centre, keep);
        }
        out[from + j] = fast;
      }
    }, exact);
  }

  /** The median of sorted values: the mean of the two middle ones for an even count, or the lower one. */
  static double medianOfSorted(double[] s, boolean lower) {
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : lower ? s[n / 2 - 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /** The trimmed mean of sorted values: the b smallest and b largest dropped, the rest added smallest first. */
  static double trimmedMeanOfSorted(double[] s, int b) {
    double t = 0;
    for (int j = b; j < s.length - b; j++) {
      t += s[j];
    }
    return t / (s.length - 2 * b);
  }

  /** The median of v: the mean of the two middle values for an even count, or the lower one. NaN sorts last. */
  static double median(double[] v, boolean lower) {
    double[] s = v.clone();
    int n = s.length;
    if (finite(s)) {
      // selection instead of a sort: the same order statistics (the rules take a comparator network instead up to
      // NETWORK_ROWS rows, see byNetwork)
      double hi = select(s, n / 2);
      if (n % 2 == 1) {
        return hi;
      }
      double lo = max(s, n / 2); // after select, s[0..n/2) holds the n/2 smallest values
      return lower ? lo : (lo + hi) / 2;
    }
    Arrays.sort(s);
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
    double[] sorted = v.clone();
    Arrays.sort(sorted);
    double fast = closestWindow(sorted, centre, keep);
    return Double.isNaN(fast) ? meanOfClosestByIndex(v, centre, keep) : fast;
  }

  /**
   * The fast path of {@link #meanOfClosest}: the keep values closest to a finite centre are a contiguous window
   * of the sorted values, grown from the centre outwards. NaN when a step meets equal distances on both sides
   * (where the lowest-index tie rule decides) or a non-finite distance: the caller then takes the exact path.
   */
  static double closestWindow(double[] sorted, double centre, int keep) {
    if (!Double.isFinite(centre)) {
      return Double.NaN;
    }
    int n = sorted.length;
    int r = 0;
    while (r < n && sorted[r] < centre) {
      r++;
    }
    int l = r - 1;
    double sum = 0;
    for (int taken = 0; taken < keep; taken++) {
      double dl = l >= 0 ? centre - sorted[l] : Double.POSITIVE_INFINITY;
      double dr = r < n ? sorted[r] - centre : Double.POSITIVE_INFINITY;
      if (dl < dr && dl < Double.POSITIVE_INFINITY) {
        sum += sorted[l--];
      } else if (dr < dl && dr < Double.POSITIVE_INFINITY) {
        sum += sorted[r++];
      } else {
        return Double.NaN; // a tie, a NaN value or an infinite distance
      }
    }
    return sum / keep;
  }

  /** {@link #meanOfClosest} by sorting (distance, index): the exact tie rule, for the rare coordinates with ties. */
  static double meanOfClosestByIndex(double[] v, double centre, int keep) {
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

  private static boolean finite(double[] s) {
    for (double x : s) {
      if (!Double.isFinite(x)) {
        return false;
      }
    }
    return true;
  }

  /** The k-th smallest value (0-based) of finite values, partially reordering s (Hoare's quickselect). */
  static double select(double[] s, int k) {
    int lo = 0;
    int hi = s.length - 1;
    while (lo < hi) {
      double pivot = s[(lo + hi) >>> 1];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (s[i] < pivot) {
          i++;
        }
        while (s[j] > pivot) {
          j--;
        }
        if (i <= j) {
          double t = s[i];
          s[i] = s[j];
          s[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        return s[k];
      }
    }
    return s[k];
  }

  private static double max(double[] s, int count) {
    double m = s[0];
    for (int i = 1; i < count; i++) {
      m = Math.max(m, s[i]);
    }
    return m;
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
