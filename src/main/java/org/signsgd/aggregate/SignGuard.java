package org.signsgd.aggregate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import org.signsgd.rng.SeedStreams;

/**
 * SignGuard (Xu, Huang, Zhang, Zhang, "SignGuard: Byzantine-robust Federated Learning through Collaborative
 * Malicious Gradient Filtering", ICDCS 2022, Algorithm 1). M = the median of the norms ‖x_i‖. Norm filter:
 * S₁ = {i : L·M ≤ ‖x_i‖ ≤ R·M} ({@code lower} L = 0.1, {@code upper} R = 3.0). Sign filter: on b = ⌊{@code fraction}·d⌋
 * coordinates (at least 1; all by default) each vector's features (fraction of positive, of negative, of zero
 * coordinates); S₂ = the largest cluster of those features. The rule returns the mean over S₁ ∩ S₂ of the
 * vectors clipped to M, x_i · min(1, M/‖x_i‖); the zero vector when S₁ ∩ S₂ is empty. Requires f &lt; n/2 (the
 * median norm and the largest sign cluster rest on an honest majority). Cost: O(nd), plus O(n²) per mean-shift
 * step on the 3-dimensional features.
 *
 * <p>Clustering: flat-kernel mean shift, the paper's and its authors' code's default (JianXu95/SignGuard, scikit-learn
 * MeanShift with cluster_all=False and the bandwidth of estimate_bandwidth at quantile 0.5): bandwidth h = the mean
 * over the points of the distance to their ⌊m/2⌋-th nearest point, itself counted (at least the 1st); from every
 * point as a seed, c ← the mean of the points within h of c until it moves by at most 10⁻³h (at most 300 steps);
 * the centres by (points within h, seed index), a centre within h of an earlier one dropped; each point to its
 * nearest centre (the earlier one on ties), no cluster if farther than h; the largest cluster (on equal sizes the
 * one holding the lowest worker index). Deterministic; it differs from scikit-learn in seeding every point instead
 * of bin seeding, and in the tie orders.
 *
 * <p>Where this matches Blades ({@code Signguard}): M the median norm (mean of the two middle ones for even n),
 * the inclusive bounds L = 0.1 and R = 3.0, the three unnormalised sign fractions over all coordinates, clipping the
 * kept vectors above M, their mean. Where it differs: Blades clusters the features with KMeans(2) (random_state 0)
 * and keeps the larger of two clusters; here the mean shift above, which finds as many clusters as the features
 * have (the authors' code also divides each feature by its maximum over the workers and takes a random contiguous
 * block of 10% of the coordinates; {@code fraction} draws a uniform subset instead, from {@code ctx.rng()}, b draws
 * in a fixed order, none when b = d). A vector whose norm is not finite counts as +∞ in the median and is in
 * neither set; the empty intersection gives the zero vector (Blades fails on it). Without a context
 * ({@link #combine(double[][], int)}) the draws come from the fixed stream of seed 0, iteration 0. The rule runs
 * chunk by chunk, sharded too ({@link #shardable}); on a fraction the driver draws the coordinates between the
 * passes. See docs/aggregators.md.
 */
public final class SignGuard extends DenseRule implements ChunkedRule {
  public static final String NAME = "signguard";

  private final double lower;
  private final double upper;
  private final double fraction;
  /** The round's stream a fraction's coordinates are drawn from (null: not bound to a round, see {@link #forRound}). */
  private final RandomGenerator round;
  /** Where the chunk's coordinates lie in d: its first one, and d. */
  private final int from;
  private final int dimension;

  public SignGuard(double lower, double upper, double fraction) {
    this(lower, upper, fraction, null, 0, 0);
  }

  private SignGuard(double lower, double upper, double fraction, RandomGenerator round, int from, int dimension) {
    this.lower = lower;
    this.upper = upper;
    this.fraction = fraction;
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
    return ChunkedRule.whole(forRound(rng, 0, x[0].length), x, f); // the passes below on one chunk
  }

  /**
   * The norms and the sign counts are sums over the coordinates, so the rule runs chunk by chunk
   * ({@link ChunkedRule}), sharded too. A fraction below 1 draws its b coordinates of d on the driver, between a pass
   * of norms and a pass of the sign counts over the drawn coordinates each chunk holds.
   */
  @Override
  public boolean shardable() {
    return true;
  }

  @Override
  public ChunkedRule chunked() {
    return this;
  }

  /** The rule bound to a round: a fraction's coordinates are drawn from {@code rng}, the round's stream. */
  @Override
  public ChunkedRule forRound(RandomGenerator rng, int from, int dimension) {
    return new SignGuard(lower, upper, fraction, rng, from, dimension);
  }

  /** What the pass decided: the median norm M, the norms and the kept workers S₁ ∩ S₂. */
  private record Kept(double median, double[] norms, int[] rows) implements java.io.Serializable {}

  /** A fraction's first pass decided: the norms, and the b drawn coordinates of d (a bit each). */
  private record Drawn(double[] norms, java.util.BitSet cols, int b) implements java.io.Serializable {}

  /** Every coordinate: one pass, the norms and the sign counts; a fraction: the norms, then the drawn counts. */
  @Override
  public int passes() {
    return fraction >= 1 ? 1 : 2;
  }

  /**
   * Per row over the chunk: Σ_k x_ik², then the counts of positive, negative and zero (or NaN) coordinates; with a
   * fraction, pass 0 the sums of squares alone and pass 1 the counts over the drawn coordinates in the chunk.
   */
  @Override
  public double[] partial(int pass, double[][] x, int f, java.io.Serializable decided) {
    int n = x.length;
    if (fraction < 1) {
      if (pass == 0) {
        double[] squares = new double[n];
        for (int i = 0; i < n; i++) {
          for (double v : x[i]) {
            squares[i] += v * v;
          }
        }
        return squares;
      }
      java.util.BitSet cols = ((Drawn) decided).cols();
      double[] counts = new double[3 * n];
      int length = n == 0 ? 0 : x[0].length;
      for (int k = cols.nextSetBit(from); k >= 0 && k < from + length; k = cols.nextSetBit(k + 1)) {
        for (int i = 0; i < n; i++) {
          double v = x[i][k - from];
          counts[3 * i + (v > 0 ? 0 : v < 0 ? 1 : 2)]++;
        }
      }
      return counts;
    }
    double[] out = new double[4 * n];
    for (int i = 0; i < n; i++) {
      double squares = 0;
      for (double v : x[i]) {
        squares += v * v;
        out[n + 3 * i + (v > 0 ? 0 : v < 0 ? 1 : 2)]++;
      }
      out[i] = squares;
    }
    return out;
  }

  /**
   * M, the norm filter and the largest mean-shift cluster of the sign fractions (counts over d, or over the b drawn
   * coordinates); with a fraction, the draw of the b coordinates after the norms, from the round's stream as the rule
   * on whole vectors draws them (the driver's instance is bound to a fresh copy of it for each decision).
   */
  @Override
  public java.io.Serializable decide(int pass, double[] sums, int n, int f, java.io.Serializable decided) {
    if (fraction < 1 && pass == 0) {
      if (round == null) {
        throw new IllegalStateException(NAME + " draws its coordinates: decide only after forRound");
      }
      int b = Math.max(1, (int) Math.floor(fraction * dimension));
      java.util.BitSet cols = new java.util.BitSet(dimension);
      for (int k : DivideAndConquer.coordinates(dimension, b, round)) {
        cols.set(k);
      }
      return new Drawn(norms(sums, n), cols, b);
    }
    double[] norms = fraction < 1 ? ((Drawn) decided).norms() : norms(sums, n);
    int at = fraction < 1 ? 0 : n; // where the counts start
    double b = fraction < 1 ? ((Drawn) decided).b() : Double.NaN;
    double median = Rows.median(norms, false);
    int[] rows = CosineClusters.finiteRows(norms);
    double[][] features = new double[rows.length][];
    for (int a = 0; a < rows.length; a++) {
      int c = at + 3 * rows[a];
      double d = fraction < 1 ? b : sums[c] + sums[c + 1] + sums[c + 2];
      features[a] = new double[] {sums[c] / d, sums[c + 1] / d, sums[c + 2] / d};
    }
    return new Kept(median, norms, filtered(CosineClusters.rowsOf(rows, largestMeanShiftCluster(features)), norms,
        median));
  }

  /** ‖x_i‖ from the sums of squares: +∞ when not finite. */
  private static double[] norms(double[] sums, int n) {
    double[] norms = new double[n];
    for (int i = 0; i < n; i++) {
      double norm = Math.sqrt(sums[i]);
      norms[i] = Double.isFinite(norm) ? norm : Double.POSITIVE_INFINITY;
    }
    return norms;
  }

  /** The mean over the kept rows of the rows clipped to M; 0 when none is kept. */
  @Override
  public double[] finish(double[][] x, int f, java.io.Serializable decided) {
    Kept k = (Kept) decided;
    return clippedMean(x, k.rows(), k.norms(), k.median());
  }

  private static double[] clippedMean(double[][] x, int[] kept, double[] norms, double median) {
    double[] out = new double[x[0].length];
    for (int i : kept) {
      double[] clipped = CosineClusters.clip(x[i], norms[i], median);
      for (int k = 0; k < out.length; k++) {
        out[k] += clipped[k] / kept.length;
      }
    }
    return out;
  }

  /** S₁ ∩ S₂: the cluster's rows whose norm is within [L·M, R·M]. */
  private int[] filtered(int[] cluster, double[] norms, double median) {
    return Arrays.stream(cluster).filter(i -> norms[i] >= lower * median && norms[i] <= upper * median).toArray();
  }

  /** The largest flat-kernel mean-shift cluster of the points (see the class comment), sorted. */
  static int[] largestMeanShiftCluster(double[][] p) {
    int m = p.length;
    if (m == 0) {
      return new int[0];
    }
    double h = bandwidth(p);
    double[][] shifted = new double[m][];
    int[] within = new int[m];
    for (int i = 0; i < m; i++) {
      shifted[i] = shift(p, p[i], h);
      within[i] = near(p, shifted[i], h).size();
    }
    List<double[]> centres = new ArrayList<>();
    for (int i : java.util.stream.IntStream.range(0, m).boxed()
        .sorted((a, b) -> within[a] != within[b] ? within[b] - within[a] : a - b).mapToInt(Integer::intValue)
        .toArray()) {
      if (centres.stream().noneMatch(c -> Math.sqrt(Rows.squaredDistance(c, shifted[i])) <= h)) {
        centres.add(shifted[i]);
      }
    }
    List<List<Integer>> clusters = new ArrayList<>();
    centres.forEach(c -> clusters.add(new ArrayList<>()));
    for (int j = 0; j < m; j++) {
      int best = 0;
      for (int c = 1; c < centres.size(); c++) {
        best = Rows.squaredDistance(p[j], centres.get(c)) < Rows.squaredDistance(p[j], centres.get(best)) ? c : best;
      }
      if (Math.sqrt(Rows.squaredDistance(p[j], centres.get(best))) <= h) {
        clusters.get(best).add(j);
      }
    }
    List<Integer> largest = clusters.stream().filter(c -> !c.isEmpty())
        .min((a, b) -> a.size() != b.size() ? b.size() - a.size() : a.get(0) - b.get(0)).orElse(List.of());
    return largest.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The mean over the points of the distance to their max(1, ⌊m/2⌋)-th nearest point, itself included. */
  static double bandwidth(double[][] p) {
    int k = Math.max(1, p.length / 2);
    double sum = 0;
    for (double[] a : p) {
      double[] dist = Arrays.stream(p).mapToDouble(b -> Math.sqrt(Rows.squaredDistance(a, b))).sorted().toArray();
      sum += dist[k - 1];
    }
    return sum / p.length;
  }

  /** Mean shift from {@code start}: c ← the mean of the points within h, until it moves by ≤ 10⁻³h (≤ 300 steps). */
  private static double[] shift(double[][] p, double[] start, double h) {
    double[] c = start.clone();
    for (int step = 0; step < 300; step++) {
      List<Integer> in = near(p, c, h);
      if (in.isEmpty()) {
        break;
      }
      double[] next = Rows.mean(p, in.stream().mapToInt(Integer::intValue).toArray());
      boolean done = Math.sqrt(Rows.squaredDistance(next, c)) <= 1e-3 * h;
      c = next;
      if (done) {
        break;
      }
    }
    return c;
  }

  /** The points within distance h of c, in index order. */
  private static List<Integer> near(double[][] p, double[] c, double h) {
    List<Integer> out = new ArrayList<>();
    for (int j = 0; j < p.length; j++) {
      if (Math.sqrt(Rows.squaredDistance(p[j], c)) <= h) {
        out.add(j);
      }
    }
    return out;
  }
}
