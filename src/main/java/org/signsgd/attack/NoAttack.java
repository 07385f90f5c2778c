package org.signsgd.attack;

import java.util.List;
import org.signsgd.message.Message;

/** No attack: the "Byzantine" workers send their honest messages. */
public final class NoAttack implements Attack {
  public static final String NAME = "none";
  private static final AttackInfo INFO = AttackInfo.blindBoth(NAME);

  @Override
  public AttackInfo info() {
    return INFO;
  }

  @Override
  public List<Message> forge(AttackView view) {
    return view.own();
  }
}
