package org.signsgd.attack;

import java.util.List;
import java.util.Set;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;

/**
 * Attacks that send a multiple of the honest mean μ: {@code fall-of-empires} (inner-product manipulation, Xie, Koyejo,
 * Gupta, "Fall of Empires: Breaking Byzantine-tolerant SGD by Inner Product Manipulation", UAI 2019) b = −ε·μ, ε = 0.1
 * by default (seed 003's "empire" with factor 1.1 is exactly this); {@code sign-flip} b = −μ (ByzFL SignFlipping).
 */
public final class ScaledMean implements Attack {
  public static final String FALL_OF_EMPIRES = "fall-of-empires";
  public static final String SIGN_FLIP = "sign-flip";

  private final String name;
  private final double epsilon;

  public ScaledMean(String name, double epsilon) {
    this.name = name;
    this.epsilon = epsilon;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public ThreatModel threatModel() {
    return ThreatModel.OMNISCIENT;
  }

  @Override
  public Set<MessageKind> kinds() {
    return Set.of(MessageKind.DENSE);
  }

  double[] vector(double[][] honest) {
    double[] mu = HonestStats.mean(honest);
    for (int k = 0; k < mu.length; k++) {
      mu[k] *= -epsilon;
    }
    return mu;
  }

  @Override
  public List<Message> forge(AttackView view) {
    Forging.requireKind(name, view, MessageKind.DENSE);
    return Forging.allSend(view, HonestStats.toFloats(vector(HonestStats.rows(view.honestMessages(name)))));
  }
}
