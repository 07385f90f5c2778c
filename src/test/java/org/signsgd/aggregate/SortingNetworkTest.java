package org.signsgd.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The comparator networks sort (by the 0–1 principle, every input of 0s and 1s up to 14 wires, and random inputs
 * beyond), and the median, the trimmed mean and the mean of the values closest to a centre (Bulyan, Phocas, MeaMed)
 * computed with them equal their definitions column by column.
 */
class SortingNetworkTest {
  /**
   * A value with the sign of a zero dropped (the networks order −0.0 below 0.0, the selection does not), boxed so
   * that a NaN equals a NaN (an infinity of each sign averages to one).
   */
  private static Double unsigned(double v) {
    return v + 0.0;
  }

  @Test
  void sortsEveryZeroOneInputUpToFourteenWires() {
    for (int n = 1; n <= 14; n++) {
      SortingNetwork net = SortingNetwork.sorting(n);
      double[][] rows = new double[n][1 << n];
      for (int lane = 0; lane < 1 << n; lane++) {
        for (int i = 0; i < n; i++) {
          rows[i][lane] = (lane >> i) & 1;
        }
      }
      net.apply(rows, 1 << n);
      for (int lane = 0; lane < 1 << n; lane++) {
        for (int i = 1; i < n; i++) {
          assertThat(rows[i - 1][lane]).as("n=%d lane=%d wire %d", n, lane, i).isLessThanOrEqualTo(rows[i][lane]);
        }
      }
    }
  }

  @Test
  void sortsAndSelectsRandomColumns() {
    SplittableRandom rng = new SplittableRandom(21);
    for (int n = 1; n <= 70; n++) {
      int lanes = 300;
      double[][] rows = new double[n][lanes];
      for (double[] row : rows) {
        for (int j = 0; j < lanes; j++) {
          row[j] = rng.nextInt(3) == 0 ? rng.nextInt(4) : rng.nextGaussian();
        }
      }
      double[][] sorted = copy(rows);
      SortingNetwork.sorting(n).apply(sorted, lanes);
      double[][] median = copy(rows);
      SortingNetwork selecting = SortingNetwork.selecting(n, n / 2);
      selecting.apply(median, lanes);
      if (n >= 8) { // the median needs fewer comparisons than the whole order
        assertThat(selecting.comparators()).isLessThan(SortingNetwork.sorting(n).comparators());
      }
      for (int j = 0; j < lanes; j++) {
        double[] column = new double[n];
        for (int i = 0; i < n; i++) {
          column[i] = rows[i][j];
        }
        Arrays.sort(column);
        for (int i = 0; i < n; i++) {
          assertThat(sorted[i][j]).as("n=%d lane=%d", n, j).isEqualTo(column[i]);
        }
        assertThat(median[n / 2][j]).as("median n=%d lane=%d", n, j).isEqualTo(column[n / 2]);
      }
    }
  }

  @Test
  void medianAndTrimmedMeanEqualTheirDefinitions() {
    SplittableRandom rng = new SplittableRandom(22);
    // beyond NETWORK_ROWS the rules take the definition column by column
    for (int n : new int[] {1, 2, 3, 4, 5, 8, 9, 15, 26, 27, 32, 51, 64, Rows.NETWORK_ROWS + 3}) {
      // d across tile edges; ties, infinities and zeros of both signs among the values
      int d = n > Rows.NETWORK_ROWS ? 40 : 2 * Rows.TILE + 45;
      double[][] x = new double[n][d];
      for (double[] row : x) {
        for (int k = 0; k < d; k++) {
          int kind = rng.nextInt(10);
          row[k] = kind == 0 ? rng.nextInt(3) - 1 : kind == 1 ? (rng.nextBoolean() ? 0.0 : -0.0)
              : kind == 2 && rng.nextInt(20) == 0 ? (rng.nextBoolean() ? Double.POSITIVE_INFINITY
              : Double.NEGATIVE_INFINITY) : rng.nextGaussian();
        }
      }
      check(x);
      // a NaN in the middle tile only: that tile takes the definition (NaN sorts last), the others the network
      for (int i = 0; i < Math.min(n, 3); i++) {
        x[i][Math.min(Rows.TILE + 7, x[i].length - 1)] = Double.NaN;
      }
      check(x);
    }
  }

  private static void check(double[][] x) {
    int n = x.length;
    // Bulyan's last step, Phocas and MeaMed: the mean of the values closest to a centre of the sorted column
    for (int keep = 1; keep <= n; keep += Math.max(1, n / 3)) {
      int k0 = keep;
      for (boolean lower : new boolean[] {false, true}) {
        double[] got = Rows.meanOfClosestSorted(x, s -> Rows.medianOfSorted(s, lower), k0);
        for (int k = 0; k < got.length; k++) {
          double[] v = Rows.column(x, k);
          double want = Rows.meanOfClosest(v, Rows.median(v, lower), k0);
          assertThat(unsigned(got[k])).as("closest to median n=%d keep=%d k=%d", n, k0, k).isEqualTo(unsigned(want));
        }
      }
      int b = Math.min((n - 1) / 2, 2);
      double[] got = Rows.meanOfClosestSorted(x, s -> Rows.trimmedMeanOfSorted(s, b), k0);
      for (int k = 0; k < got.length; k++) {
        double[] v = Rows.column(x, k);
        double want = Rows.meanOfClosest(v, Rows.trimmedMean(v, b), k0);
        assertThat(unsigned(got[k])).as("closest to trimmed mean n=%d keep=%d k=%d", n, k0, k)
            .isEqualTo(unsigned(want));
      }
    }
    for (boolean lower : new boolean[] {false, true}) {
      double[] got = new Median(lower).combine(x, 0);
      for (int k = 0; k < got.length; k++) {
        double want = Rows.median(Rows.column(x, k), lower);
        assertThat(unsigned(got[k])).as("median n=%d k=%d lower=%s", n, k, lower).isEqualTo(unsigned(want));
      }
    }
    for (int f = 0; 2 * f + 1 <= n && f <= 4; f++) {
      TrimmedMean rule = new TrimmedMean(-1);
      int b = rule.trim(f);
      if (n < 2 * b + 1) {
        continue;
      }
      double[] got = rule.combine(x, f);
      for (int k = 0; k < got.length; k++) {
        double want = Rows.trimmedMean(Rows.column(x, k), b);
        assertThat(unsigned(got[k])).as("trimmed mean n=%d f=%d k=%d", n, f, k).isEqualTo(unsigned(want));
      }
    }
  }

  private static double[][] copy(double[][] rows) {
    double[][] out = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = rows[i].clone();
    }
    return out;
  }
}
