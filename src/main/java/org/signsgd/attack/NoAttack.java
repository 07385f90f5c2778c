package org.signsgd.attack;

import java.util.List;
import java.util.Set;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;

/** No attack: the "Byzantine" workers send their honest messages. */
public final class NoAttack implements Attack {
  public static final String NAME = "none";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ThreatModel threatModel() {
    return ThreatModel.BLIND;
  }

  @Override
  public Set<MessageKind> kinds() {
    return Set.of(MessageKind.SIGN, MessageKind.DENSE);
  }

  @Override
  public List<Message> forge(AttackView view) {
    return view.own();
  }
}
