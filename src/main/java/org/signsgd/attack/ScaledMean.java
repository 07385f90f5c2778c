package org.signsgd.attack;

import java.util.List;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;

/**
 * Attacks that send a multiple of the honest mean μ: {@code fall-of-empires} (inner-product manipulation, Xie, Koyejo,
 * Gupta, "Fall of Empires: Breaking Byzantine-tolerant SGD by Inner Product Manipulation", UAI 2019) b = −ε·μ,
 * ε = 0.1 by default ({@code direction: plus} sends +ε·μ, the honest side); {@code sign-flip} b = −μ (ByzFL's
 * SignFlipping). See docs/attacks.md.
 */
public final class ScaledMean implements Attack {
  public static final String FALL_OF_EMPIRES = "fall-of-empires";
  public static final String SIGN_FLIP = "sign-flip";

  private final AttackInfo info;
  private final double scale;

  /** b = −ε·μ. */
  public ScaledMean(String name, double epsilon) {
    this(name, epsilon, AttackDirection.MINUS);
  }

  /** b = −ε·μ ({@code minus}) or +ε·μ ({@code plus}). */
  public ScaledMean(String name, double epsilon, AttackDirection direction) {
    this.info = AttackInfo.omniscientDense(name);
    this.scale = direction.sign() * epsilon;
  }

  @Override
  public AttackInfo info() {
    return info;
  }

  double[] vector(double[][] honest) {
    double[] mu = HonestStats.mean(honest);
    for (int k = 0; k < mu.length; k++) {
      mu[k] *= scale;
    }
    return mu;
  }

  @Override
  public List<Message> forge(AttackView view) {
    Forging.requireKind(name(), view, MessageKind.DENSE);
    return Forging.allSend(view, HonestStats.toFloats(vector(HonestStats.rows(view.honestMessages(name())))));
  }
}
