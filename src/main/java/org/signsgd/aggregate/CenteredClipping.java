package org.signsgd.aggregate;

/**
 * Centered clipping (Karimireddy, He, Jaggi, "Learning from History for Byzantine Robust Optimization",
 * ICML 2021, §4, the rule "CC"), L times:
 * v ← v + (1/n) Σ_i (x_i − v) · min(1, τ / ‖x_i − v‖) (factor 1 at distance 0; a non-finite row is skipped).
 * Stateful: v starts from the previous round's output (0 at the first); EPFML and ByzFL: L = 1; τ = 100 by
 * default (ByzFL). One object per run: the state belongs to that run.
 */
public final class CenteredClipping extends DenseRule {
  public static final String NAME = "centered-clipping";

  private final double tau;
  private final int iterations;
  private double[] v;

  public CenteredClipping(double tau, int iterations) {
    this.tau = tau;
    this.iterations = iterations;
  }

  @Override
  public boolean stateful() {
    return true;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public double[] combine(double[][] x, int f) {
    int d = x[0].length;
    double[] c = v == null || v.length != d ? new double[d] : v.clone();
    for (int l = 0; l < iterations; l++) {
      double[] step = new double[d];
      for (double[] xi : x) {
        double s = 0;
        for (int k = 0; k < d; k++) {
          double e = xi[k] - c[k];
          s += e * e;
        }
        double norm = Math.sqrt(s);
        if (!Double.isFinite(norm)) {
          continue;
        }
        double scale = norm == 0 ? 1 : Math.min(1, tau / norm);
        for (int k = 0; k < d; k++) {
          step[k] += (xi[k] - c[k]) * scale;
        }
      }
      for (int k = 0; k < d; k++) {
        c[k] += step[k] / x.length;
      }
    }
    v = c.clone();
    return c;
  }

  /** Sets v before the next round (tests; a resumed run). */
  void start(double[] v0) {
    this.v = v0.clone();
  }

  @Override
  public java.io.Serializable state() {
    return v == null ? null : v.clone();
  }

  @Override
  public void restoreState(java.io.Serializable state) {
    v = state == null ? null : ((double[]) state).clone();
  }
}
