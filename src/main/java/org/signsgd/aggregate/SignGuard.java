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
 * ({@link #combine(double[][], int)}) the draws come from the fixed stream of seed 0, iteration 0. Over every
 * coordinate (the default) the rule runs chunk by chunk, sharded too ({@link #shardable}). See docs/aggregators.md.
 */
public final class SignGuard extends DenseRule implements ChunkedRule {
  public static final String NAME = "signguard";

  private final double lower;
  private final double upper;
  private final double fraction;

  public SignGuard(double lower, double upper, double fraction) {
    this.lower = lower;
    this.upper = upper;
    this.fraction = fraction;
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
    if (shardable()) {
      return ChunkedRule.whole(this, x, f); // every coordinate: no draws, the passes below on one chunk
    }
    double[] norms = CosineClusters.norms(x);
    double median = Rows.median(norms, false);
    return clippedMean(x, kept(x, norms, median, rng), norms, median);
  }

  /**
   * With every coordinate ({@code fraction} 1, the default) the norms and the sign counts are sums over the
   * coordinates, so the rule runs chunk by chunk ({@link ChunkedRule}), sharded too; a fraction below 1 draws its
   * coordinates from all of d, on whole vectors only.
   */
  @Override
  public boolean shardable() {
    return fraction >= 1;
  }

  @Override
  public ChunkedRule chunked() {
    return shardable() ? this : null;
  }

  /** What the pass decided: the median norm M, the norms and the kept workers S₁ ∩ S₂. */
  private record Kept(double median, double[] norms, int[] rows) implements java.io.Serializable {}

  /** One pass: the norms and the sign counts. */
  @Override
  public int passes() {
    return 1;
  }

  /** Per row over the chunk: Σ_k x_ik², then the counts of positive, negative and zero (or NaN) coordinates. */
  @Override
  public double[] partial(int pass, double[][] x, int f, java.io.Serializable decided) {
    int n = x.length;
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

  /** M, the norm filter and the largest mean-shift cluster of the sign fractions (counts over d). */
  @Override
  public java.io.Serializable decide(int pass, double[] sums, int n, int f, java.io.Serializable decided) {
    double[] norms = new double[n];
    for (int i = 0; i < n; i++) {
      double norm = Math.sqrt(sums[i]);
      norms[i] = Double.isFinite(norm) ? norm : Double.POSITIVE_INFINITY;
    }
    double median = Rows.median(norms, false);
    int[] rows = CosineClusters.finiteRows(norms);
    double[][] features = new double[rows.length][];
    for (int a = 0; a < rows.length; a++) {
      int c = n + 3 * rows[a];
      double d = sums[c] + sums[c + 1] + sums[c + 2];
      features[a] = new double[] {sums[c] / d, sums[c + 1] / d, sums[c + 2] / d};
    }
    return new Kept(median, norms, filtered(CosineClusters.rowsOf(rows, largestMeanShiftCluster(features)), norms,
        median));
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

  /** S₁ ∩ S₂, in increasing order. */
  int[] kept(double[][] x, double[] norms, double median, RandomGenerator rng) {
    int d = x[0].length;
    int[] cols = DivideAndConquer.coordinates(d, Math.max(1, (int) Math.floor(fraction * d)), rng);
    int[] rows = CosineClusters.finiteRows(norms);
    double[][] features = new double[rows.length][];
    for (int a = 0; a < rows.length; a++) {
      features[a] = features(x[rows[a]], cols);
    }
    return filtered(CosineClusters.rowsOf(rows, largestMeanShiftCluster(features)), norms, median);
  }

  /** (positive, negative, zero) coordinates among {@code cols}, each as a fraction of b. */
  static double[] features(double[] x, int[] cols) {
    double[] count = new double[3];
    for (int k : cols) {
      count[x[k] > 0 ? 0 : x[k] < 0 ? 1 : 2]++;
    }
    return new double[] {count[0] / cols.length, count[1] / cols.length, count[2] / cols.length};
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
