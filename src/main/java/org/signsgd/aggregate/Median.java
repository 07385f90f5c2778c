package org.signsgd.aggregate;

/**
 * Coordinate-wise median (Yin, Chen, Ramchandran, Bartlett, "Byzantine-Robust Distributed Learning: Towards
 * Optimal Statistical Rates", ICML 2018, Def. 1). For an even count, the
 * mean of the two middle values ({@code mode: average}, NumPy's) or the lower one ({@code mode: lower},
 * torch.median, LPD). Requires n ≥ 2f + 1.
 * <p>The math and a worked example: docs/aggregators.md#median.
 */
public final class Median extends DenseRule {
  public static final String NAME = "median";

  private final boolean lower;

  public Median(boolean lower) {
    this.lower = lower;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Coordinate by coordinate: the server may run it chunk by chunk. */
  @Override
  public boolean coordinateWise() {
    return true;
  }

  /** 1/(n − f) (LPD: upper_bound = 1/√(n − f)). */
  @Override
  public Double varianceBound(int n, int f) {
    return n > f ? 1.0 / (n - f) : null;
  }

  @Override
  public void checkRequirement(int n, int f) {
    Requirements.majority(NAME, n, f);
  }

  @Override
  public double[] combine(double[][] x, int f) {
    int n = x.length;
    if (n > Rows.NETWORK_ROWS) {
      return Rows.byColumn(x, v -> Rows.median(v, lower));
    }
    // the middle value, or the two middle ones, of each column by a comparator network: the same values as the
    // selection (a zero's sign aside), several times faster at a few dozen workers
    int hi = n / 2;
    if (n % 2 == 1) {
      return Rows.byNetwork(x, SortingNetwork.selecting(n, hi),
          (tile, len, out, from) -> System.arraycopy(tile[hi], 0, out, from, len), v -> Rows.median(v, lower));
    }
    return Rows.byNetwork(x, SortingNetwork.selecting(n, hi - 1, hi), (tile, len, out, from) -> {
      double[] a = tile[hi - 1];
      double[] b = tile[hi];
      for (int j = 0; j < len; j++) {
        out[from + j] = lower ? a[j] : (a[j] + b[j]) / 2;
      }
    }, v -> Rows.median(v, lower));
  }
}
