package org.signsgd.aggregate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bulyan (El Mhamdi, Guerraoui, Rouault, "The Hidden Vulnerability of Distributed Learning in Byzantium", ICML 2018,
 * §4), θ = n − 2f, β = n − 4f: select θ vectors by Krum applied again and again to the remaining ones (k = |R| − f − 2
 * recomputed each round, floor 0; ties: lowest worker index), then per coordinate the mean of the β selected values
 * closest to their median. {@code variant: lpd} is LPD/Garfield's "Bulyan over Multi-Krum" (one plain-distance scoring
 * with k = n − f − 2; the i-th of n − 2f − 2 selections averages the n − f − 2 − i best not yet pruned; then the
 * n − 4f − 2 values closest to the lower median), which gives other results. Requires n ≥ 4f + 3.
 * <p>The math and a worked example: docs/aggregators.md#bulyan.
 */
public final class Bulyan extends DistanceSelection {
  public static final String NAME = "bulyan";

  private final boolean lpd;

  public Bulyan(boolean lpd) {
    this.lpd = lpd;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Krum's bound (LPD uses it for Bulyan too). */
  @Override
  public Double varianceBound(int n, int f) {
    return Krum.eta2(n, f) > 0 ? 1 / Krum.eta2(n, f) : null;
  }

  @Override
  public void checkRequirement(int n, int f) {
    Requirements.basic(NAME, n, f);
    if (n < 4 * f + 3) {
      throw new IllegalArgumentException(NAME + ": n=" + n + " with f=" + f + "; allowed: n >= 4f + 3, i.e. f <= "
          + Math.max(0, (n - 3) / 4));
    }
  }

  /** The paper's recursive selection, or LPD's Krum order (non-squared, n − f − 2 neighbours). */
  @Override
  int[] select(double[][] dist, int f) {
    int n = dist.length;
    return lpd ? Rows.byScore(new Krum(false, n - f - 2, false, 0).scoresFromDistances(dist, f))
        : selectionFromDistances(dist, f);
  }

  @Override
  public double[] finish(double[][] x, int f, java.io.Serializable decided) {
    return lpd ? lpd(x, f, (int[]) decided) : paper(x, f, (int[]) decided);
  }

  /** The selected workers, in the order the recursion picks them (for tests). */
  int[] selection(double[][] x, int f) {
    return selectionFromDistances(Rows.fromPairSums(Rows.pairSums(x), x.length), f);
  }

  /** The recursion on the n × n squared distances. */
  private static int[] selectionFromDistances(double[][] dist, int f) {
    int n = dist.length;
    List<Integer> remaining = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      remaining.add(i);
    }
    int[] picked = new int[n - 2 * f];
    for (int s = 0; s < picked.length; s++) {
      int k = Math.max(remaining.size() - f - 2, 0);
      int best = -1;
      double bestScore = Double.POSITIVE_INFINITY;
      for (int i : remaining) {
        double[] others = remaining.stream().filter(j -> j != i).mapToDouble(j -> dist[i][j]).sorted().toArray();
        double score = 0;
        for (int j = 0; j < k; j++) {
          score += others[j];
        }
        if (best < 0 || score < bestScore) { // remaining is in index order: the lowest index wins a tie
          best = i;
          bestScore = score;
        }
      }
      picked[s] = best;
      remaining.remove(Integer.valueOf(best));
    }
    return picked;
  }

  private static double[] paper(double[][] x, int f, int[] picked) {
    double[][] y = new double[picked.length][];
    for (int s = 0; s < picked.length; s++) {
      y[s] = x[picked[s]];
    }
    int beta = x.length - 4 * f;
    return Rows.meanOfClosestSorted(y, s -> Rows.medianOfSorted(s, false), beta);
  }

  private static double[] lpd(double[][] x, int f, int[] order) {
    int n = x.length;
    int selections = n - 2 * f - 2;
    double[][] y = new double[selections][];
    for (int i = 0; i < selections; i++) {
      y[i] = Rows.mean(x, Arrays.copyOfRange(order, i, i + n - f - 2 - i));
    }
    int keep = n - 4 * f - 2;
    return Rows.meanOfClosestSorted(y, s -> Rows.medianOfSorted(s, true), keep);
  }
}
