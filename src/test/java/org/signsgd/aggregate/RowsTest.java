package org.signsgd.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fast paths of the coordinate-wise rules equal their definitions by sorting. */
class RowsTest {
  private static double sortedMedian(double[] v, boolean lower) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : lower ? s[n / 2 - 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  @Test
  void selectionMedianEqualsTheSortedOne() {
    SplittableRandom rng = new SplittableRandom(11);
    for (int trial = 0; trial < 20_000; trial++) {
      int n = 1 + rng.nextInt(60);
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        // few distinct values: many ties
        v[i] = trial % 2 == 0 ? rng.nextInt(5) - 2 : rng.nextGaussian();
      }
      for (boolean lower : new boolean[] {false, true}) {
        assertThat(Rows.median(v, lower)).as("%s %s", Arrays.toString(v), lower).isEqualTo(sortedMedian(v, lower));
      }
    }
    assertThat(Rows.median(new double[] {1, Double.NaN, 3}, false)).isEqualTo(3); // NaN sorts last
  }

  @Test
  void closestWindowEqualsTheIndexOrderedDefinition() {
    SplittableRandom rng = new SplittableRandom(12);
    int fast = 0;
    for (int trial = 0; trial < 20_000; trial++) {
      int n = 3 + rng.nextInt(50);
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = trial % 3 == 0 ? rng.nextInt(7) - 3 : rng.nextGaussian();
      }
      double centre = trial % 3 == 0 ? rng.nextInt(7) - 3 : rng.nextGaussian();
      int keep = 1 + rng.nextInt(n);
      double[] sorted = v.clone();
      Arrays.sort(sorted);
      double window = Rows.closestWindow(sorted, centre, keep);
      double exact = Rows.meanOfClosestByIndex(v, centre, keep);
      if (!Double.isNaN(window)) {
        fast++;
        assertThat(window).isCloseTo(exact, org.assertj.core.api.Assertions.within(1e-12));
      }
      assertThat(Rows.meanOfClosest(v, centre, keep)).isCloseTo(exact, org.assertj.core.api.Assertions.within(1e-12));
    }
    assertThat(fast).isGreaterThan(10_000);
    // an exact distance tie between two values: the lower worker index wins (the project's tie rule,
    // docs/aggregators.md)
    assertThat(Rows.meanOfClosest(new double[] {3, 1, 2}, 2, 2)).isEqualTo(2.5);
    assertThat(Rows.meanOfClosest(new double[] {1, 3, 2}, 2, 2)).isEqualTo(1.5);
  }
  @Test
  void byColumnGivesEachCoordinateItsOwnColumnAcrossTileEdges() {
    SplittableRandom rng = new SplittableRandom(13);
    // d around the tile edges, and n rows that do not divide the tile
    for (int d : new int[] {1, Rows.TILE - 1, Rows.TILE, Rows.TILE + 1, 2 * Rows.TILE + 37}) {
      int n = 7;
      double[][] x = new double[n][d];
      for (double[] row : x) {
        for (int k = 0; k < d; k++) {
          row[k] = rng.nextGaussian();
        }
      }
      // a function that reorders its buffer must not disturb the next coordinate's column
      double[] sortedMedians = Rows.byColumn(x, v -> {
        Arrays.sort(v);
        return v[n / 2];
      });
      double[] weighted = Rows.byColumn(x, v -> {
        double s = 0;
        for (int i = 0; i < v.length; i++) {
          s += (i + 1) * v[i];
        }
        return s;
      });
      for (int k = 0; k < d; k++) {
        double[] column = Rows.column(x, k);
        double s = 0;
        for (int i = 0; i < n; i++) {
          s += (i + 1) * column[i];
        }
        assertThat(weighted[k]).as("d=%d k=%d", d, k).isEqualTo(s);
        assertThat(sortedMedians[k]).as("d=%d k=%d", d, k).isEqualTo(sortedMedian(column, false));
      }
    }
  }
}
