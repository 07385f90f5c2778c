package org.signsgd.attack;

import java.util.Arrays;

/**
 * {@code bulyan-targeted}: the attack of El Mhamdi, Guerraoui, Rouault, "The Hidden Vulnerability of Distributed
 * Learning in Byzantium", ICML 2018, as ByzantineMomentum's {@code bulyan} attack builds it: every Byzantine
 * worker sends the honest mean with one coordinate pushed, b = μ + λ·e_k ({@code direction: minus}: μ − λ·e_k), k the
 * {@code target} coordinate (the last one by default, as that code's index −1; {@code target: all} pushes every
 * coordinate, e = (1, …, 1)), λ ≥ 0 from {@link LineMaximize} against the run's rule over {@code evaluations} tries
 * (16; step 1). Any B ≤ Q − 1. See docs/attacks.md.
 */
public final class BulyanTargeted extends FactorSearchAttack {
  public static final String NAME = "bulyan-targeted";
  /** {@code target} value that pushes every coordinate. */
  public static final int ALL = -2;
  /** {@code target} value for the last coordinate. */
  public static final int LAST = -1;
  private static final AttackInfo INFO = AttackInfo.omniscientDense(NAME);

  private final int target;

  /** @param target a coordinate index, {@link #LAST} or {@link #ALL} */
  public BulyanTargeted(int target, int evaluations, double step, AttackDirection direction) {
    super(evaluations, step, direction);
    if (target < ALL) {
      throw new IllegalArgumentException(NAME + ": target is " + target + "; allowed: a coordinate index >= 0, "
          + "last or all");
    }
    this.target = target;
  }

  @Override
  public AttackInfo info() {
    return INFO;
  }

  @Override
  double[] base(double[][] h, double[] mu) {
    return mu.clone();
  }

  @Override
  double[] deviation(double[][] h, double[] mu, int from, int dimension) {
    double[] e = new double[mu.length];
    if (target == ALL) {
      Arrays.fill(e, 1);
      return e;
    }
    int k = target == LAST ? dimension - 1 : target;
    if (k >= dimension) {
      throw new IllegalArgumentException(NAME + ": target is " + target + " with d=" + dimension
          + "; allowed: 0 <= target <= " + (dimension - 1) + ", last or all");
    }
    if (k >= from && k < from + e.length) { // the target lies in these coordinates
      e[k - from] = 1;
    }
    return e;
  }
}
