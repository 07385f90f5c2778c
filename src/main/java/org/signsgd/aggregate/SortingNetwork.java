package org.signsgd.aggregate;

import java.util.ArrayList;
import java.util.List;

/**
 * A comparator network over n wires (Batcher, "Sorting networks and their applications", AFIPS 1968: the odd–even
 * merge sort, on the next power of two with the missing wires read as +∞), applied to many columns at once: wire i
 * is row i of a tile, and each comparator puts the smaller value of its two rows' lanes in its lower row, the larger
 * in its upper one. Every lane goes through the same comparisons, so the loops have no data-dependent branch (a
 * selection by partitioning mispredicts about once per value) and run over contiguous lanes.
 *
 * <p>The comparators that touch a missing wire are left out (a +∞ never moves down, so they never swap), and so
 * are those no requested output depends on. Values are ordered by {@link Math#min}/{@link Math#max}: −0.0 below
 * 0.0, and a NaN would spread, so callers give it finite-or-infinite values only.
 */
final class SortingNetwork {
  private final int n;
  private final int[] lower;
  private final int[] upper;

  private SortingNetwork(int n, int[] lower, int[] upper) {
    this.n = n;
    this.lower = lower;
    this.upper = upper;
  }

  /** The network after which rows {@code outputs} hold those order statistics (0: the smallest) of n values. */
  static SortingNetwork selecting(int n, int... outputs) {
    int size = Integer.highestOneBit(Math.max(1, n - 1)) << 1;
    List<int[]> all = new ArrayList<>();
    for (int p = 1; p < size; p <<= 1) {
      for (int k = p; k >= 1; k >>= 1) {
        for (int j = k % p; j <= size - 1 - k; j += 2 * k) {
          for (int i = 0; i <= Math.min(k - 1, size - j - k - 1); i++) {
            if ((i + j) / (p * 2) == (i + j + k) / (p * 2) && i + j + k < n) {
              all.add(new int[] {i + j, i + j + k});
            }
          }
        }
      }
    }
    // backwards from the outputs: a comparator stays when a wire it writes is read later
    boolean[] needed = new boolean[n];
    for (int o : outputs) {
      needed[o] = true;
    }
    List<int[]> kept = new ArrayList<>();
    for (int c = all.size() - 1; c >= 0; c--) {
      int[] pair = all.get(c);
      if (needed[pair[0]] || needed[pair[1]]) {
        kept.add(pair);
        needed[pair[0]] = true;
        needed[pair[1]] = true;
      }
    }
    java.util.Collections.reverse(kept);
    return new SortingNetwork(n, kept.stream().mapToInt(p -> p[0]).toArray(),
        kept.stream().mapToInt(p -> p[1]).toArray());
  }

  /** The network that sorts n values. */
  static SortingNetwork sorting(int n) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    return selecting(n, all);
  }

  int wires() {
    return n;
  }

  int comparators() {
    return lower.length;
  }

  /** Orders lanes [0, len) of the n rows in place (each lane on its own: the requested outputs, or all). */
  void apply(double[][] rows, int len) {
    for (int c = 0; c < lower.length; c++) {
      double[] a = rows[lower[c]];
      double[] b = rows[upper[c]];
      for (int j = 0; j < len; j++) {
        double p = a[j];
        double q = b[j];
        a[j] = Math.min(p, q);
        b[j] = Math.max(p, q);
      }
    }
  }
}
