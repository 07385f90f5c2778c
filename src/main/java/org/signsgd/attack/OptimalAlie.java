package org.signsgd.attack;


/**
 * {@code optimal-alie}: "A Little Is Enough" (Baruch, Baruch, Goldberg, NeurIPS 2019) with its factor searched
 * against the run's rule, as ByzFL's Optimal_ALIE and the {@code little} attack of ByzantineMomentum (El Mhamdi,
 * Guerraoui, Rouault, ICLR 2021) with a negative factor: b = μ + τ·σ ({@code direction: plus}, the peers' default) or
 * μ − τ·σ, μ and σ the honest mean and unbiased std, τ ≥ 0 from {@link LineMaximize} over {@code evaluations} tries
 * (16 by default, ByzantineMomentum's; initial step {@code step} = 1). Any B ≤ Q − 1. See docs/attacks.md.
 */
public final class OptimalAlie extends FactorSearchAttack {
  public static final String NAME = "optimal-alie";
  private static final AttackInfo INFO = AttackInfo.omniscientDense(NAME);

  public OptimalAlie(int evaluations, double step, AttackDirection direction) {
    super(evaluations, step, direction);
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
    return HonestStats.std(h, mu);
  }
}
