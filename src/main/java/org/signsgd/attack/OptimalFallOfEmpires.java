package org.signsgd.attack;


/**
 * {@code optimal-fall-of-empires}: the inner-product manipulation of Xie, Koyejo, Gupta, "Fall of Empires: Breaking
 * Byzantine-tolerant SGD by Inner Product Manipulation", UAI 2019, with ε searched against the run's rule, as ByzFL's
 * Optimal_IPM and ByzantineMomentum's {@code empire-strict} with a negative epsilon: b = −ε·μ ({@code direction:
 * minus}, default) or +ε·μ, ε ≥ 0 from {@link LineMaximize} over {@code evaluations} tries (16; step 1). Any
 * B ≤ Q − 1. See docs/attacks.md.
 */
public final class OptimalFallOfEmpires extends FactorSearchAttack {
  public static final String NAME = "optimal-fall-of-empires";
  private static final AttackInfo INFO = AttackInfo.omniscientDense(NAME);

  public OptimalFallOfEmpires(int evaluations, double step, AttackDirection direction) {
    super(evaluations, step, direction);
  }

  @Override
  public AttackInfo info() {
    return INFO;
  }

  @Override
  double[] base(double[][] h, double[] mu) {
    return new double[mu.length];
  }

  @Override
  double[] deviation(double[][] h, double[] mu, int from, int dimension) {
    return mu.clone();
  }
}
