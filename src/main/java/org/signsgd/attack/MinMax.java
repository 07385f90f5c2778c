package org.signsgd.attack;


/**
 * {@code min-max} (Shejwalkar and Houmansadr, "Manipulating the Byzantine: Optimizing Model Poisoning Attacks and
 * Defenses for Federated Learning", NDSS 2021, the AGR-agnostic min-max): the largest γ such that b = μ + γ·∇p is no farther from any
 * honest vector than the two farthest honest vectors are from each other, max_i ‖b − x_i‖² ≤ max_{i,j} ‖x_i − x_j‖².
 * ∇p by {@code deviation} ({@code std} by default, as Blades' MinMaxAdversary; {@code unit-vec}, {@code sign}), the
 * search from {@code gamma} = 10 ({@link DistanceBoundedAttack}). Any B ≤ Q − 1. See docs/attacks.md.
 */
public final class MinMax extends DistanceBoundedAttack {
  public static final String NAME = "min-max";
  private static final AttackInfo INFO = AttackInfo.omniscientDense(NAME);

  public MinMax(Deviation deviation, double gamma) {
    super(deviation, gamma);
  }

  @Override
  public AttackInfo info() {
    return INFO;
  }

  @Override
  boolean admits(double[] toHonest, double[][] pairwise) {
    double bound = 0;
    for (double[] row : pairwise) {
      for (double v : row) {
        bound = Math.max(bound, v);
      }
    }
    double worst = 0;
    for (double v : toHonest) {
      worst = Math.max(worst, v);
    }
    return worst <= bound;
  }
}
