package org.signsgd.aggregate;

/**
 * A rule that selects rows by their pairwise squared distances (Krum, Bulyan): one pass of per-chunk distances,
 * summed over the chunks, from which the driver selects ({@link #select}); the chunks then combine what was selected.
 */
abstract class DistanceSelection extends ChunkedDenseRule {
  /** One pass: the pairwise squared distances. */
  @Override
  public final int passes() {
    return 1;
  }

  @Override
  public final double[] partial(int pass, double[][] x, int f, java.io.Serializable decided) {
    return Rows.pairSums(x);
  }

  @Override
  public final java.io.Serializable decide(int pass, double[] sums, int n, int f, java.io.Serializable decided) {
    return select(Rows.fromPairSums(sums, n), f);
  }

  /** The selection from the n × n squared distances (non-finite is +∞). */
  abstract int[] select(double[][] dist, int f);
}
