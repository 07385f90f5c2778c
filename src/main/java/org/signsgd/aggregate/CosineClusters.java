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
   * 1 − cos(x_a, x_b) over the given rows (finite norms), computed on the unit vectors (no overflow); a zero row
   * has cosine 0 with every row (distance 1), as torch's cosine_similarity gives with its eps.
   */
  static double[][] cosineDistances(double[][] x, int[] rows, double[] norms) {
    int m = rows.length;
    double[][] unit = new double[m][];
    for (int a = 0; a < m; a++) {
      double norm = norms[rows[a]];
      unit[a] = new double[x[rows[a]].length];
      for (int k = 0; norm > 0 && k < unit[a].length; k++) {
        unit[a][k] = x[rows[a]][k] / norm; // x / ‖x‖, or 0 for a zero row
      }
    }
    double[][] dist = new double[m][m];
    for (int a = 0; a < m; a++) {
      for (int b = a + 1; b < m; b++) {
        double cos = 0;
        for (int k = 0; k < unit[a].length; k++) {
          cos += unit[a][k] * unit[b][k];
        }
        dist[a][b] = 1 - Math.max(-1, Math.min(1, cos));
        dist[b][a] = dist[a][b];
      }
    }
    return dist;
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
