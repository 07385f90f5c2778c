package org.signsgd.aggregate;

/**
 * Phocas and MeaMed (Xie, Koyejo, Gupta 2018: "Phocas: dimensional Byzantine-resilient stochastic gradient descent",
 * arXiv 1805.09682; "Generalized Byzantine-tolerant SGD", arXiv 1802.10116): per coordinate, the mean of the n − b
 * values closest to a centre (ties: lowest worker index); the centre is the trimmed mean_b (Phocas) or the median
 * (MeaMed). b = f. Requires n ≥ 2f + 1.
 * <p>The math and a worked example: docs/aggregators.md#phocas and #meamed.
 */
public final class ClosestToCentre extends DenseRule {
  public static final String PHOCAS = "phocas";
  public static final String MEAMED = "meamed";

  private final boolean phocas;
  private final boolean lowerMedian;

  public ClosestToCentre(boolean phocas, boolean lowerMedian) {
    this.phocas = phocas;
    this.lowerMedian = lowerMedian;
  }

  @Override
  public String name() {
    return phocas ? PHOCAS : MEAMED;
  }

  /** Coordinate by coordinate: the server may run it chunk by chunk. */
  @Override
  public boolean coordinateWise() {
    return true;
  }

  @Override
  public void checkRequirement(int n, int f) {
    Requirements.majority(name(), n, f);
  }

  @Override
  public double[] combine(double[][] x, int f) {
    return Rows.meanOfClosestSorted(x, s -> phocas ? Rows.trimmedMeanOfSorted(s, f)
        : Rows.medianOfSorted(s, lowerMedian), x.length - f);
  }
}
