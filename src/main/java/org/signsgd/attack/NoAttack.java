package org.signsgd.attack;

import java.util.List;
import java.util.Set;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;

/** No attack: the "Byzantine" workers send their honest messages. */
public final class NoAttack implements Attack {
  public static final String NAME = "none";
  private static final AttackInfo INFO = new AttackInfo(NAME, ThreatModel.BLIND, Set.of(MessageKind.SIGN, MessageKind.DENSE));

  @Override
  public AttackInfo info() {
    return INFO;
  }

  @Override
  public List<Message> forge(AttackView view) {
    return view.own();
  }
}
