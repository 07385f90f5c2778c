package org.signsgd.attack;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;

/**
 * Blind non-finite vectors: {@code nan} sends all NaN (the default attack of LPD-EPFL's ByzantineMomentum code),
 * {@code inf} all +∞ (ByzFL). A robust rule must not let them through; the mean does.
 */
public final class NonFinite implements Attack {
  public static final String NAN = "nan";
  public static final String INF = "inf";

  private final String name;
  private final AttackInfo info;

  public NonFinite(String name) {
    this.name = name;
    this.info = new AttackInfo(name, ThreatModel.BLIND, Set.of(MessageKind.DENSE));
  }

  @Override
  public AttackInfo info() {
    return info;
  }

  @Override
  public List<Message> forge(AttackView view) {
    Forging.requireKind(name, view, MessageKind.DENSE);
    float[] b = new float[view.dimension()];
    Arrays.fill(b, name.equals(NAN) ? Float.NaN : Float.POSITIVE_INFINITY);
    return Forging.allSend(view, b);
  }
}
