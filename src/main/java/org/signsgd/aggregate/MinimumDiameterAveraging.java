package org.signsgd.aggregate;

/**
 * Minimum-Diameter Averaging, MDA (El Mhamdi, Guerraoui, Rouault, "Distributed Momentum for Byzantine-resilient
 * Stochastic Gradient Descent", ICLR 2021; LPD-EPFL's ByzantineMomentum calls it {@code brute}, ByzFL {@code MDA}):
 * among the subsets S of n − f rows, the one of smallest diameter max_{i,j ∈ S} ‖x_i − x_j‖ (ties: the
 * lexicographically smallest index set, as both peers' first-strict-minimum over itertools.combinations), and
 * the mean of its rows. A non-finite distance is +∞, so a subset holding a non-finite row is never chosen while
 * a finite one exists (ByzantineMomentum drops such subsets).
 *
 * <p>Requires n ≥ 2f + 1 (f &lt; n/2). Cost: the n(n − 1)/2 distances, O(n² d), then a depth-first search over the
 * C(n, f) subsets in lexicographic order, pruned where a partial subset's diameter already reaches the best one
 * (at most C(n, f)·(n − f)² distance look-ups); refused when C(n, f) exceeds {@link #MAX_SUBSETS}. The distances are
 * sums over coordinates, so the rule runs chunk by chunk ({@link DistanceSelection}). The math and a worked example:
 * docs/aggregators.md#mda.
 */
public final class MinimumDiameterAveraging extends DistanceSelection {
  public static final String NAME = "mda";
  /** The most subsets the exact search may visit. */
  public static final long MAX_SUBSETS = 10_000_000L;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void checkRequirement(int n, int f) {
    Requirements.majority(NAME, n, f);
    Subsets.check(NAME, n, f, MAX_SUBSETS);
  }

  /**
   * ((n − f)/(√8 f))²: the square of ByzantineMomentum's {@code upper_bound} for this rule (El Mhamdi et al. 2021);
   * null for f = 0.
   */
  @Override
  public Double varianceBound(int n, int f) {
    if (f < 1 || n <= f) {
      return null;
    }
    double b = (n - f) / (Math.sqrt(8) * f);
    return b * b;
  }

  /** The chosen subset, in increasing index order. */
  @Override
  int[] select(double[][] dist, int f) {
    int n = dist.length;
    checkRequirement(n, f);
    Search s = new Search(dist, n - f);
    s.dfs(0, 0, 0);
    if (s.best == null) { // every subset has a non-finite distance (more than f bad rows): the first subset
      return java.util.stream.IntStream.range(0, n - f).toArray();
    }
    return s.best;
  }

  @Override
  public double[] finish(double[][] x, int f, java.io.Serializable decided) {
    return Rows.mean(x, (int[]) decided);
  }

  /** Depth-first search in lexicographic order; a later subset wins only with a strictly smaller diameter. */
  private static final class Search {
    private final double[][] dist;
    private final int m;
    private final int[] cur;
    private int[] best;
    private double bestDiameter = Double.POSITIVE_INFINITY;

    Search(double[][] dist, int m) {
      this.dist = dist;
      this.m = m;
      this.cur = new int[m];
    }

    /** Places position {@code pos} from index {@code start} on; {@code diameter}: the squared one so far. */
    void dfs(int pos, int start, double diameter) {
      if (pos == m) {
        bestDiameter = diameter;
        best = cur.clone();
        return;
      }
      int n = dist.length;
      for (int i = start; i <= n - (m - pos); i++) {
        double d = diameter;
        for (int j = 0; j < pos && d < bestDiameter; j++) {
          d = Math.max(d, dist[cur[j]][i]);
        }
        if (d >= bestDiameter) {
          continue; // no completion is strictly smaller (and +∞ never is)
        }
        cur[pos] = i;
        dfs(pos + 1, i + 1, d);
      }
    }
  }
}
