package org.signsgd.aggregate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the clustering rules share ({@link Clustering}, {@link ClippedClustering}, {@link SignGuard}): norms with a
 * non-finite norm marked as an outlier, clipping to a norm, cosine distances and agglomerative (hierarchical)
 * clustering of a precomputed distance matrix down to k clusters. See docs/aggregators.md.
 */
final class CosineClusters {
  private CosineClusters() {}

  /** How the distance between two clusters follows from the distances between their members. */
  enum Linkage {
    /** The mean of the member distances (UPGMA). */
    AVERAGE,
    /** The largest member distance. */
    COMPLETE,
    /** The smallest member distance. */
    SINGLE;

    static Linkage parse(String s) {
      return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /** ‖x_i‖ for each row; +∞ where it is not finite (a NaN or infinite coordinate, or an overflow). */
  static double[] norms(double[][] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double s = 0;
      for (double v : x[i]) {
        s += v * v;
      }
      double norm = Math.sqrt(s);
      out[i] = Double.isFinite(norm) ? norm : Double.POSITIVE_INFINITY;
    }
    return out;
  }

  /** The rows whose norm is finite, in increasing order: the others are outliers in every clustering rule. */
  static int[] finiteRows(double[] norms) {
    return java.util.stream.IntStream.range(0, norms.length).filter(i -> Double.isFinite(norms[i])).toArray();
  }

  /** A copy of row x scaled by min(1, τ/‖x‖) (unchanged at norm 0 or at most τ). */
  static double[] clip(double[] x, double norm, double tau) {
    double scale = norm > tau ? tau / norm : 1;
    double[] out = new double[x.length];
    for (int k = 0; k < x.length; k++) {
      out[k] = x[k] * scale;
    }
    return out;
  }

  /**
   * The sums the cosine distances need, over one chunk of coordinates (the clustering rules' pass 0): Σ_k x_ik² for
   * each row i, then Σ_k x_ik·x_jk for each pair i &lt; j in row order. Summed over the chunks in chunk order they
   * are the rows' squared norms and dot products over all coordinates; the messages are floats, so no sum of their
   * products overflows in double.
   */
  static double[] gram(double[][] x) {
    int n = x.length;
    double[] out = new double[n + n * (n - 1) / 2];
    for (int i = 0, p = n; i < n; i++) {
      double s = 0;
      for (double v : x[i]) {
        s += v * v;
      }
      out[i] = s;
      for (int j = i + 1; j < n; j++) {
        double dot = 0;
        for (int k = 0; k < x[i].length; k++) {
          dot += x[i][k] * x[j][k];
        }
        out[p++] = dot;
      }
    }
    return out;
  }

  /** ‖x_i‖ from the {@link #gram} sums of n rows; +∞ where it is not finite (a NaN or infinite coordinate). */
  static double[] norms(double[] gram, int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double norm = Math.sqrt(gram[i]);
      out[i] = Double.isFinite(norm) ? norm : Double.POSITIVE_INFINITY;
    }
    return out;
  }

  /**
   * 1 − cos(x_a, x_b) over the given rows (finite norms) from the {@link #gram} sums of n rows, each row scaled by
   * {@code scale[i]} ≥ 0 (null: 1). cos = x_a·x_b / (‖x_a‖‖x_b‖), which a positive scale leaves unchanged; a row
   * that is zero, or scaled to zero, has cosine 0 with every row (distance 1), as torch's cosine_similarity gives
   * with its eps.
   */
  static double[][] cosineDistances(double[] gram, int n, int[] rows, double[] norms, double[] scale) {
    int m = rows.length;
    double[][] dist = new double[m][m];
    for (int a = 0; a < m; a++) {
      for (int b = a + 1; b < m; b++) {
        int i = rows[a];
        int j = rows[b];
        boolean zero = norms[i] == 0 || norms[j] == 0 || scale != null && (scale[i] == 0 || scale[j] == 0);
        double cos = zero ? 0 : gram[pair(n, i, j)] / (norms[i] * norms[j]);
        dist[a][b] = 1 - Math.max(-1, Math.min(1, cos));
        dist[b][a] = dist[a][b];
      }
    }
    return dist;
  }

  /** Where the dot product of rows i &lt; j sits in the {@link #gram} sums of n rows. */
  private static int pair(int n, int i, int j) {
    return n + i * (2 * n - i - 1) / 2 + (j - i - 1);
  }

  /**
   * The larger of the two cosine clusters of the rows with a finite norm, from the {@link #gram} sums of n rows
   * (all rows if none has a finite norm: the mean is then not finite, which at most f &lt; n/2 non-finite rows never
   * reach); rows scaled by {@code scale} (null: 1).
   */
  static int[] larger(double[] gram, int n, double[] scale, Linkage linkage) {
    double[] norms = norms(gram, n);
    int[] rows = finiteRows(norms);
    if (rows.length == 0) {
      return java.util.stream.IntStream.range(0, n).toArray();
    }
    return rowsOf(rows, largest(agglomerate(cosineDistances(gram, n, rows, norms, scale), linkage, 2)));
  }

  /**
   * Agglomerative clustering of m points with distances {@code dist} down to k clusters (fewer if m &lt; k): start
   * from singletons and merge the closest pair of clusters under the linkage (Lance–Williams updates), the
   * pair with the lowest (first member, first member) on equal distances. Returns the clusters, each a sorted
   * array of point indices, ordered by their first member.
   */
  static int[][] agglomerate(double[][] dist, Linkage linkage, int k) {
    int m = dist.length;
    double[][] d = new double[m][];
    List<List<Integer>> members = new ArrayList<>();
    boolean[] alive = new boolean[m];
    for (int a = 0; a < m; a++) {
      d[a] = dist[a].clone();
      members.add(new ArrayList<>(List.of(a)));
      alive[a] = true;
    }
    for (int clusters = m; clusters > k; clusters--) {
      int bestA = -1;
      int bestB = -1;
      for (int a = 0; a < m; a++) {
        for (int b = a + 1; b < m && alive[a]; b++) {
          if (alive[b] && (bestA < 0 || d[a][b] < d[bestA][bestB])) {
            bestA = a;
            bestB = b;
          }
        }
      }
      merge(d, members, alive, bestA, bestB, linkage);
    }
    List<int[]> out = new ArrayList<>();
    for (int a = 0; a < m; a++) {
      if (alive[a]) {
        out.add(members.get(a).stream().mapToInt(Integer::intValue).sorted().toArray());
      }
    }
    return out.toArray(new int[0][]);
  }

  /** Cluster b joins cluster a (a &lt; b: a keeps the lowest member); a's distances by the linkage. */
  private static void merge(double[][] d, List<List<Integer>> members, boolean[] alive, int a, int b,
      Linkage linkage) {
    double na = members.get(a).size();
    double nb = members.get(b).size();
    for (int c = 0; c < d.length; c++) {
      if (alive[c] && c != a && c != b) {
        double v = switch (linkage) {
          case AVERAGE -> (na * d[a][c] + nb * d[b][c]) / (na + nb);
          case COMPLETE -> Math.max(d[a][c], d[b][c]);
          case SINGLE -> Math.min(d[a][c], d[b][c]);
        };
        d[a][c] = v;
        d[c][a] = v;
      }
    }
    members.get(a).addAll(members.get(b));
    alive[b] = false;
  }

  /** The largest cluster; on equal sizes the one holding the lowest index (clusters ordered by first member). */
  static int[] largest(int[][] clusters) {
    int[] best = clusters[0];
    for (int[] c : clusters) {
      if (c.length > best.length) {
        best = c;
      }
    }
    return best;
  }

  /** rows[j] for each j in {@code picked}: cluster members back to worker indices. */
  static int[] rowsOf(int[] rows, int[] picked) {
    return Arrays.stream(picked).map(j -> rows[j]).toArray();
  }
}
