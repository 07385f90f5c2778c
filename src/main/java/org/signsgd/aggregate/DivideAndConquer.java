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
 * <p>v is Cᵀu/‖Cᵀu‖, u the top eigenvector of the n × n Gram matrix G = CCᵀ (the same vector as the SVD's, up to
 * sign, which the squared score ignores), found by cyclic Jacobi rotations until the off-diagonal sum of squares is
 * at most 1e-30 of the matrix's (relative 1e-15 in norm; at most 100 sweeps); the scores then follow from G alone,
 * s_i = (Gu)_i² / (uᵀGu). G is a sum over coordinates, so the rule runs chunk by chunk, sharded too
 * ({@link #shardable}); every chunk then draws each round's b coordinates itself (O(b log b) per chunk).
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
public final class DivideAndConquer extends DenseRule implements ChunkedRule {
  public static final String NAME = "dnc";

  private final int iterations;
  private final int subDim;
  private final double c;
  /** The round's stream the coordinates are drawn from (null: not bound to a round, see {@link #forRound}). */
  private final RandomGenerator round;
  /** Where the chunk lies in d. */
  private final int from;
  private final int dimension;
  /** Each round's drawn coordinates that fall in this chunk, as indices into it (drawn when first needed). */
  private int[][] drawn;

  public DivideAndConquer(int iterations, int subDim, double c) {
    this(iterations, subDim, c, null, 0, 0);
  }

  private DivideAndConquer(int iterations, int subDim, double c, RandomGenerator round, int from, int dimension) {
    this.iterations = iterations;
    this.subDim = subDim;
    this.c = c;
    this.round = round;
    this.from = from;
    this.dimension = dimension;
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

  /** The passes below on one chunk of all of d. */
  @Override
  public double[] combine(double[][] x, int f, RandomGenerator rng) {
    if (rng == null) {
      return combine(x, f);
    }
    return ChunkedRule.whole(forRound(rng, 0, x[0].length), x, f);
  }

  /**
   * Every quantity the rule needs is a sum over coordinates: the norms, and on each round's drawn coordinates the
   * centred Gram matrix, from which the scores follow (see {@link #scores(double[], int[], int)}). So it runs chunk
   * by chunk ({@link ChunkedRule}), sharded too: each chunk draws the rounds' coordinates of d from the round's
   * stream and sums over those that fall in it.
   */
  @Override
  public boolean shardable() {
    return true;
  }

  @Override
  public ChunkedRule chunked() {
    return this;
  }

  @Override
  public ChunkedRule forRound(RandomGenerator rng, int from, int dimension) {
    return new DivideAndConquer(iterations, subDim, c, rng, from, dimension);
  }

  /** Pass 0: the norms (which rows are finite); pass 1: each round's centred Gram matrix of the finite rows. */
  @Override
  public int passes() {
    return 2;
  }

  @Override
  public double[] partial(int pass, double[][] x, int f, java.io.Serializable decided) {
    if (pass == 0) {
      double[] squares = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        for (double v : x[i]) {
          squares[i] += v * v;
        }
      }
      return squares;
    }
    int[] rows = (int[]) decided;
    int size = rows.length * (rows.length + 1) / 2;
    double[] out = new double[iterations * size];
    for (int t = 0; t < iterations; t++) {
      System.arraycopy(centredGram(x, rows, local(t, x.length == 0 ? 0 : x[0].length)), 0, out, t * size, size);
    }
    return out;
  }

  @Override
  public java.io.Serializable decide(int pass, double[] sums, int n, int f, java.io.Serializable decided) {
    if (pass == 0) {
      return java.util.stream.IntStream.range(0, n).filter(i -> Double.isFinite(Math.sqrt(sums[i]))).toArray();
    }
    int[] rows = (int[]) decided;
    int size = rows.length * (rows.length + 1) / 2;
    int keep = n - (int) Math.floor(c * f);
    TreeSet<Integer> first = null;
    TreeSet<Integer> all = null;
    for (int t = 0; t < iterations; t++) {
      double[] s = scores(java.util.Arrays.copyOfRange(sums, t * size, (t + 1) * size), rows, n);
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

  /** The mean of the good set. */
  @Override
  public double[] finish(double[][] x, int f, java.io.Serializable decided) {
    return Rows.mean(x, (int[]) decided);
  }

  /**
   * Round t's drawn coordinates that fall in this chunk of {@code length} coordinates, as indices into it: every
   * round's b coordinates of d are drawn at the first call, in round order, and only this chunk's are kept.
   */
  private int[] local(int t, int length) {
    if (round == null) {
      throw new IllegalStateException(NAME + " draws its coordinates: run chunk by chunk only after forRound");
    }
    if (drawn == null) {
      drawn = new int[iterations][];
      for (int r = 0; r < iterations; r++) {
        int[] cols = coordinates(dimension, Math.min(subDim, dimension), round);
        int lo = java.util.Arrays.binarySearch(cols, from);
        int hi = java.util.Arrays.binarySearch(cols, from + length);
        lo = lo < 0 ? -lo - 1 : lo;
        hi = hi < 0 ? -hi - 1 : hi;
        drawn[r] = new int[hi - lo];
        for (int j = lo; j < hi; j++) {
          drawn[r][j - lo] = cols[j] - from;
        }
      }
    }
    return drawn[t];
  }

  /** b of the d coordinates, uniformly without replacement (Floyd's algorithm, b draws), sorted; all when b = d. */
  static int[] coordinates(int d, int b, RandomGenerator rng) {
    if (b >= d) {
      return java.util.stream.IntStream.range(0, d).toArray();
    }
    if (b >= d / 64) { // dense: one bit per coordinate of d, read back in order
      java.util.BitSet chosen = new java.util.BitSet(d);
      for (int j = d - b; j < d; j++) {
        int t = rng.nextInt(j + 1);
        chosen.set(chosen.get(t) ? j : t); // t already chosen: j, which no earlier draw can have chosen (all < j)
      }
      return chosen.stream().toArray();
    }
    // sparse (b < d/64 < 2^25): the chosen set in an open-addressing table of ints at most a quarter full
    int bits = 32 - Integer.numberOfLeadingZeros(b) + 2;
    int[] table = new int[1 << bits];
    java.util.Arrays.fill(table, -1);
    int[] out = new int[b];
    for (int j = d - b, size = 0; j < d; j++) {
      int t = rng.nextInt(j + 1);
      int v = insert(table, bits, t) ? t : j; // t already chosen: j, which no earlier draw can have chosen
      if (v == j) {
        insert(table, bits, j);
      }
      out[size++] = v;
    }
    java.util.Arrays.sort(out);
    return out;
  }

  /** Adds v ≥ 0 to the table of 2^bits slots (−1: empty); false if it was there. */
  private static boolean insert(int[] table, int bits, int v) {
    int mask = table.length - 1;
    for (int h = (v * 0x9E3779B1) >>> (32 - bits); ; h = (h + 1) & mask) {
      if (table[h] == -1) {
        table[h] = v;
        return true;
      }
      if (table[h] == v) {
        return false;
      }
    }
  }

  /**
   * The centred Gram matrix of the given rows on the coordinates {@code cols}, its lower triangle row by row:
   * Σ_j (x_aj − μ_j)(x_bj − μ_j) for b ≤ a, μ_j the rows' mean on coordinate j. Summed over chunks (each its own
   * coordinates) it is the matrix CCᵀ of the centred n × b sub-matrix C.
   */
  static double[] centredGram(double[][] x, int[] rows, int[] cols) {
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
    double[] out = new double[m * (m + 1) / 2];
    for (int a = 0, p = 0; a < m; a++) {
      for (int j = 0; j < cols.length; j++) {
        centred[a][j] = x[rows[a]][cols[j]] - mu[j];
      }
      for (int b = 0; b <= a; b++) {
        double g = 0;
        for (int j = 0; j < cols.length; j++) {
          g += centred[a][j] * centred[b][j];
        }
        out[p++] = g;
      }
    }
    return out;
  }

  /** s_i = ((x_i − μ)·v)² on the coordinates {@code cols} for the finite rows; +∞ for the others. */
  static double[] scores(double[][] x, int[] rows, int[] cols) {
    return scores(centredGram(x, rows, cols), rows, x.length);
  }

  /**
   * The scores from the centred Gram matrix G = CCᵀ of the finite rows ({@link #centredGram}): v = Cᵀu/‖Cᵀu‖, u the
   * top eigenvector of G, so (x_a − μ)·v = (Gu)_a / √(uᵀGu) and s_a = (Gu)_a² / (uᵀGu) (0 when uᵀGu = 0); +∞ for
   * the other rows.
   */
  static double[] scores(double[] lower, int[] rows, int n) {
    int m = rows.length;
    double[] s = new double[n];
    java.util.Arrays.fill(s, Double.POSITIVE_INFINITY);
    if (m == 0) {
      return s;
    }
    double[][] g = new double[m][m];
    for (int a = 0, p = 0; a < m; a++) {
      for (int b = 0; b <= a; b++) {
        g[a][b] = lower[p];
        g[b][a] = lower[p++];
      }
    }
    double[] u = topEigenvector(g);
    double[] gu = new double[m];
    double ugu = 0;
    for (int a = 0; a < m; a++) {
      for (int b = 0; b < m; b++) {
        gu[a] += g[a][b] * u[b];
      }
      ugu += u[a] * gu[a];
    }
    for (int a = 0; a < m; a++) {
      s[rows[a]] = ugu > 0 ? gu[a] * gu[a] / ugu : 0;
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
