package org.signsgd.aggregate;

import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.signsgd.rng.SeedStreams;

/**
 * Divide-and-Conquer, DnC (Shejwalkar, Houmansadr, "Manipulating the Byzantine: Optimizing Model Poisoning Attacks
 * and Defenses for Federated Learning", NDSS 2021, Algorithm 2). For each of {@code iterations} rounds: draw
 * b = min(d, {@code sub_dim}) coordinates uniformly without replacement, centre the sub-vectors on their mean μ,
 * take the top right singular vector v of the centred n × b matrix, score s_i = ((x_i − μ)·v)², keep the
 * n − ⌊c·f⌋ lowest scores ({@code c}, the filtering fraction). The good set is the intersection over the rounds;
 * the rule returns its mean. The paper states no bound on (n, f); like the other filters here it requires
 * f &lt; n/2, and ⌊c·f⌋ ≤ n − 1. Cost per round: O(n²b) for the Gram matrix, O(n³) per Jacobi sweep.
 *
 * <p>v is computed as Cᵀu/‖Cᵀu‖, u the top eigenvector of the n × n Gram matrix CCᵀ (the same vector as the
 * SVD's, up to sign, which the squared score ignores), by cyclic Jacobi rotations until the off-diagonal sum of
 * squares is at most 1e-30 of the matrix's (relative 1e-15 in norm; at most 100 sweeps).
 *
 * <p>Where this matches Blades ({@code Dnc}; sub_dim 10000, niters, filter_frac 1.0, ⌊filter_frac·f⌋ dropped,
 * mean of the good set): the definition above. Where it differs: Blades' own Dnc takes the union of the rounds'
 * good sets (its successor fedlib's DnC and the paper take the intersection, as here); the coordinates come from
 * the round's seeded stream ({@code ctx.rng()}: Floyd's sampling, b draws in a fixed order, none when b = d)
 * instead of torch.randperm; equal scores keep the lowest worker index; a vector whose norm is not finite is an
 * outlier: scored +∞ (dropped first) and never kept, with μ and v computed over the finite vectors; an empty
 * intersection falls back to the first round's good set. Without a context ({@link #combine(double[][], int)}:
 * tests, a wrapping rule) the draws come from the fixed stream of seed 0, iteration 0. See docs/aggregators.md.
 */
public final class DivideAndConquer extends DenseRule {
  public static final String NAME = "dnc";

  private final int iterations;
  private final int subDim;
  private final double c;

  public DivideAndConquer(int iterations, int subDim, double c) {
    this.iterations = iterations;
    this.subDim = subDim;
    this.c = c;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void checkRequirement(int n, int f) {
    Requirements.majority(NAME, n, f);
    if ((int) Math.floor(c * f) > n - 1) {
      throw new IllegalArgumentException(NAME + ": c=" + c + " with f=" + f + " drops " + (int) Math.floor(c * f)
          + " of n=" + n + "; allowed: floor(c*f) <= n - 1");
    }
  }

  @Override
  public double[] combine(double[][] x, int f) {
    return combine(x, f, SeedStreams.of(0, 0, SeedStreams.DRIVER, SeedStreams.Purpose.TIE));
  }

  @Override
  public double[] combine(double[][] x, int f, RandomGenerator rng) {
    if (rng == null) {
      return combine(x, f);
    }
    return Rows.mean(x, good(x, f, rng));
  }

  /** The good set: the intersection over the rounds of the kept workers, in increasing order. */
  int[] good(double[][] x, int f, RandomGenerator rng) {
    int n = x.length;
    int[] rows = CosineClusters.finiteRows(CosineClusters.norms(x));
    int keep = n - (int) Math.floor(c * f);
    TreeSet<Integer> first = null;
    TreeSet<Integer> all = null;
    for (int t = 0; t < iterations; t++) {
      double[] s = scores(x, rows, coordinates(x[0].length, Math.min(subDim, x[0].length), rng));
      int[] order = Rows.byScore(s);
      TreeSet<Integer> kept = new TreeSet<>();
      for (int j = 0; j < keep; j++) {
        if (Double.isFinite(s[order[j]])) {
          kept.add(order[j]);
        }
      }
      first = first == null ? kept : first;
      all = all == null ? new TreeSet<>(kept) : all;
      all.retainAll(kept);
    }
    TreeSet<Integer> out = all.isEmpty() ? first : all;
    if (out.isEmpty()) { // no finite row (or nothing kept): the mean of all is then not finite
      return java.util.stream.IntStream.range(0, n).toArray();
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** b of the d coordinates, uniformly without replacement (Floyd's algorithm, b draws), sorted; all when b = d. */
  static int[] coordinates(int d, int b, RandomGenerator rng) {
    if (b >= d) {
      return java.util.stream.IntStream.range(0, d).toArray();
    }
    TreeSet<Integer> chosen = new TreeSet<>();
    for (int j = d - b; j < d; j++) {
      int t = rng.nextInt(j + 1);
      chosen.add(chosen.contains(t) ? j : t);
    }
    return chosen.stream().mapToInt(Integer::intValue).toArray();
  }

  /** s_i = ((x_i − μ)·v)² on the coordinates {@code cols} for the finite rows; +∞ for the others. */
  static double[] scores(double[][] x, int[] rows, int[] cols) {
    int m = rows.length;
    double[] mu = new double[cols.length];
    for (int i : rows) {
      for (int j = 0; j < cols.length; j++) {
        mu[j] += x[i][cols[j]];
      }
    }
    for (int j = 0; j < cols.length; j++) {
      mu[j] /= m;
    }
    double[][] centred = new double[m][cols.length];
    double[][] gram = new double[m][m];
    for (int a = 0; a < m; a++) {
      for (int j = 0; j < cols.length; j++) {
        centred[a][j] = x[rows[a]][cols[j]] - mu[j];
      }
      for (int b = 0; b <= a; b++) {
        double g = 0;
        for (int j = 0; j < cols.length; j++) {
          g += centred[a][j] * centred[b][j];
        }
        gram[a][b] = g;
        gram[b][a] = g;
      }
    }
    double[] u = topEigenvector(gram);
    double[] v = new double[cols.length];
    for (int a = 0; a < m; a++) {
      for (int j = 0; j < cols.length; j++) {
        v[j] += u[a] * centred[a][j];
      }
    }
    double norm = Math.sqrt(Rows.squaredDistance(v, new double[v.length]));
    double[] s = new double[x.length];
    java.util.Arrays.fill(s, Double.POSITIVE_INFINITY);
    for (int a = 0; a < m; a++) {
      double p = 0;
      for (int j = 0; j < cols.length && norm > 0; j++) {
        p += centred[a][j] * v[j] / norm;
      }
      s[rows[a]] = p * p;
    }
    return s;
  }

  /**
   * The unit eigenvector of the largest eigenvalue of a symmetric matrix (ties: the lowest index on the
   * diagonal), by cyclic Jacobi rotations until the off-diagonal sum of squares is at most 1e-30 of the total
   * (at most 100 sweeps).
   */
  static double[] topEigenvector(double[][] g) {
    int m = g.length;
    double[][] a = new double[m][];
    double[][] v = new double[m][m];
    for (int i = 0; i < m; i++) {
      a[i] = g[i].clone();
      v[i][i] = 1;
    }
    for (int sweep = 0; sweep < 100 && offDiagonal(a) > 1e-30 * total(a); sweep++) {
      for (int p = 0; p < m; p++) {
        for (int q = p + 1; q < m; q++) {
          if (a[p][q] != 0) {
            rotate(a, v, p, q);
          }
        }
      }
    }
    int top = 0;
    for (int i = 1; i < m; i++) {
      top = a[i][i] > a[top][top] ? i : top;
    }
    double[] u = new double[m];
    for (int i = 0; i < m; i++) {
      u[i] = v[i][top];
    }
    return u;
  }

  /** One rotation A ← PᵀAP, V ← VP zeroing a_pq (t the smaller root of t² + 2θt − 1 = 0). */
  private static void rotate(double[][] a, double[][] v, int p, int q) {
    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
    double t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
    double cs = 1 / Math.sqrt(t * t + 1);
    double sn = t * cs;
    for (int k = 0; k < a.length; k++) { // columns p and q
      double akp = a[k][p];
      double akq = a[k][q];
      a[k][p] = cs * akp - sn * akq;
      a[k][q] = sn * akp + cs * akq;
    }
    for (int k = 0; k < a.length; k++) { // rows p and q
      double apk = a[p][k];
      double aqk = a[q][k];
      a[p][k] = cs * apk - sn * aqk;
      a[q][k] = sn * apk + cs * aqk;
      double vkp = v[k][p];
      double vkq = v[k][q];
      v[k][p] = cs * vkp - sn * vkq;
      v[k][q] = sn * vkp + cs * vkq;
    }
  }

  private static double offDiagonal(double[][] a) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a.length; j++) {
        s += i == j ? 0 : a[i][j] * a[i][j];
      }
    }
    return s;
  }

  private static double total(double[][] a) {
    double s = 0;
    for (double[] row : a) {
      for (double e : row) {
        s += e * e;
      }
    }
    return s;
  }
}
