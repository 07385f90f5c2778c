package org.signsgd.attack;

import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;

/**
 * "A Little Is Enough: Circumventing Defenses For Distributed Learning" (Baruch, Baruch, Goldberg, NeurIPS 2019, §3):
 * every Byzantine worker sends b = μ − z·σ (μ, σ: the honest vectors' mean and unbiased std), or b = μ + z·σ with
 * {@code direction: plus} (ByzFL's ALittleIsEnough, ByzantineMomentum's {@code little}, Blades' ALIE). z = Φ⁻¹(p)
 * with s = ⌊n/2 + 1⌋ − f supporters and p = (n − s)/n (the paper's, default) or p = (n − f − s)/(n − f)
 * ({@code z: implementations}, as EPFML's and Blades' code), or a fixed {@code factor} ≥ 0 (ByzFL's default τ = 1.5).
 * n = Q, f = the actual Byzantine count. See docs/attacks.md.
 */
public final class Alie implements Attack {
  public static final String NAME = "alie";
  private static final AttackInfo INFO = AttackInfo.omniscientDense(NAME);

  private final boolean implementations;
  private final double factor;
  private final AttackDirection direction;

  /** @param factor a fixed z, or NaN for the formula */
  public Alie(boolean implementations, double factor) {
    this(implementations, factor, AttackDirection.MINUS);
  }

  /** @param factor a fixed z, or NaN for the formula; {@code direction} the side of μ that b lies on */
  public Alie(boolean implementations, double factor, AttackDirection direction) {
    this.implementations = implementations;
    this.factor = factor;
    this.direction = direction;
  }

  @Override
  public AttackInfo info() {
    return INFO;
  }

  @Override
  public void checkRequirement(int workers, int byzantine) {
    Attack.super.checkRequirement(workers, byzantine);
    if (Double.isNaN(factor)) {
      double p = p(workers, byzantine);
      if (!(p > 0 && p < 1)) {
        throw new IllegalArgumentException(NAME + ": the z formula gives p=" + p + " with Q=" + workers + ", B="
            + byzantine + "; allowed: 0 < p < 1 (B <= Q/2 for the paper's), or give a fixed factor");
      }
    }
  }

  private double p(int n, int f) {
    int s = n / 2 + 1 - f;
    return implementations ? (double) (n - f - s) / (n - f) : (double) (n - s) / n;
  }

  /** z for n workers of which f are Byzantine. */
  double z(int n, int f) {
    if (!Double.isNaN(factor)) {
      return factor;
    }
    return new NormalDistribution(null, 0, 1).inverseCumulativeProbability(p(n, f));
  }

  /** b = μ ∓ z σ over the honest rows. */
  double[] vector(double[][] honest, int n, int f) {
    double[] mu = HonestStats.mean(honest);
    double[] sigma = HonestStats.std(honest, mu);
    double z = direction == AttackDirection.MINUS ? z(n, f) : -z(n, f);
    double[] b = new double[mu.length];
    for (int k = 0; k < b.length; k++) {
      b[k] = mu[k] - z * sigma[k];
    }
    return b;
  }

  @Override
  public List<Message> forge(AttackView view) {
    Forging.requireKind(NAME, view, MessageKind.DENSE);
    double[][] h = HonestStats.rows(view.honestMessages(NAME));
    return Forging.allSend(view, HonestStats.toFloats(vector(h, view.workers(), view.byzantine())));
  }
}
