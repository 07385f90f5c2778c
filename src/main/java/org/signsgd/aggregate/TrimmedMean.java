package org.signsgd.aggregate;

/**
 * Coordinate-wise trimmed mean (Yin, Chen, Ramchandran, Bartlett, "Byzantine-Robust Distributed Learning:
 * Towards Optimal Statistical Rates", ICML 2018, Def. 2): per coordinate, drop the b
 * smallest and b largest values and average the n − 2b others; b = f unless {@code b} is given. Requires
 * n ≥ 2b + 1.
 * <p>The math and a worked example: docs/aggregators.md#trimmed-mean.
 */
public final class TrimmedMean extends DenseRule {
  public static final String NAME = "trimmed-mean";

  private final int b;

  /** @param b values trimmed at each end, or -1 for f */
  public TrimmedMean(int b) {
    this.b = b;
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

  int trim(int f) {
    return b >= 0 ? b : f;
  }

  @Override
  public void checkRequirement(int n, int f) {
    Requirements.basic(NAME, n, f);
    if (n < 2 * trim(f) + 1) {
      throw new IllegalArgumentException(NAME + ": n=" + n + " with b=" + trim(f) + "; allowed: n >= 2b + 1");
    }
  }

  @Override
  public double[] combine(double[][] x, int f) {
    int b = trim(f);
    int n = x.length;
    if (n > Rows.NETWORK_ROWS) {
      return Rows.byColumn(x, v -> Rows.trimmedMean(v, b));
    }
    int[] kept = java.util.stream.IntStream.range(b, n - b).toArray();
    // each column's kept values in ascending order by a comparator network, added smallest first as the sort's
    return Rows.byNetwork(x, SortingNetwork.selecting(n, kept), (tile, len, out, from) -> {
      for (int k : kept) {
        double[] row = tile[k];
        for (int j = 0; j < len; j++) {
          out[from + j] += row[j];
        }
      }
      for (int j = 0; j < len; j++) {
        out[from + j] /= kept.length;
      }
    }, v -> Rows.trimmedMean(v, b));
  }
}
