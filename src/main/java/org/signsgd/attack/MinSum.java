package org.signsgd.attack;


/**
 * {@code min-sum} (Shejwalkar and Houmansadr, "Manipulating the Byzantine: Optimizing Model Poisoning Attacks and
 * Defenses for Federated Learning", NDSS 2021, the AGR-agnostic min-sum): the largest γ such that the sum of b's squared distances to the
 * honest vectors, b = μ + γ·∇p, is at most that of the worst honest vector, Σ_i ‖b − x_i‖² ≤ max_i Σ_j ‖x_i − x_j‖²
 * ({@code bound: worst}, the paper's, default). The authors' code and Blades' MinsumAdversary bound by the best one,
 * min_i Σ_j ‖x_i − x_j‖² ({@code bound: best}). ∇p by {@code deviation} ({@code unit-vec} by default, as that code;
 * {@code std}, {@code sign}); the search from {@code gamma} = 10 ({@link DistanceBoundedAttack}). Any B ≤ Q − 1.
 * See docs/attacks.md.
 */
public final class MinSum extends DistanceBoundedAttack {
  public static final String NAME = "min-sum";
  private static final AttackInfo INFO = AttackInfo.omniscientDense(NAME);

  /** Which honest vector's sum bounds b's. */
  public enum Bound {
    WORST,
    BEST;

    static Bound parse(String s) {
      return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
  }

  private final Bound bound;

  public MinSum(Deviation deviation, double gamma, Bound bound) {
    super(deviation, gamma);
    this.bound = bound;
  }

  @Override
  public AttackInfo info() {
    return INFO;
  }

  @Override
  boolean admits(double[] toHonest, double[][] pairwise) {
    double limit = bound == Bound.WORST ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    for (double[] row : pairwise) {
      double s = 0;
      for (double v : row) {
        s += v;
      }
      limit = bound == Bound.WORST ? Math.max(limit, s) : Math.min(limit, s);
    }
    double sum = 0;
    for (double v : toHonest) {
      sum += v;
    }
    return sum <= limit;
  }
}
