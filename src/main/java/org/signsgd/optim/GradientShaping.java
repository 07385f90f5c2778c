package org.signsgd.optim;

/**
 * What seed 003 does to an honest worker's sampled gradient before momentum (El Mhamdi, Guerraoui, Rouault,
 * ICLR 2021, code LPD-EPFL/ByzantineMomentum: {@code loss.py}, {@code --gradient-clip}): add the
 * gradient of the unsquared L2 penalty λ‖x‖₂, i.e. λ·x/‖x‖ (nothing at x = 0), then clip to norm C:
 * g ← g · min(1, C/‖g‖). Norms in double; 0 turns either off.
 */
public final class GradientShaping {
  private GradientShaping() {}

  /** Applies the penalty's gradient and the clip to {@code g} in place. */
  public static void apply(float[] g, float[] x, double l2Penalty, double clip) {
    if (l2Penalty > 0) {
      double norm = norm(x);
      if (norm > 0) {
        double c = l2Penalty / norm;
        for (int i = 0; i < g.length; i++) {
          g[i] = (float) (g[i] + c * x[i]);
        }
      }
    }
    if (clip > 0) {
      double norm = norm(g);
      if (norm > clip) {
        double c = clip / norm;
        for (int i = 0; i < g.length; i++) {
          g[i] = (float) (g[i] * c);
        }
      }
    }
  }

  static double norm(float[] v) {
    double s = 0;
    for (float e : v) {
      s += (double) e * e;
    }
    return Math.sqrt(s);
  }
}
