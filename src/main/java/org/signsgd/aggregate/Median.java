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
    return Rows.byColumn(x, v -> Rows.median(v, lower));
  }
}
