package org.signsgd.attack;

import java.util.List;
import org.signsgd.message.Message;

/**
 * Label flipping (data poisoning, blind; Blades {@code LabelFlipCallback}, EPFML {@code labelflipping.py}): the
 * Byzantine workers train honestly on relabelled data, class y becoming C − 1 − y, and send what that gives. The
 * poisoning happens in the workers' gradient step (the plan tells them); the driver passes their messages through
 * unchanged.
 */
public final class LabelFlip implements Attack {
  public static final String NAME = "label-flip";
  private static final AttackInfo INFO = AttackInfo.blindBoth(NAME);

  @Override
  public AttackInfo info() {
    return INFO;
  }

  @Override
  public boolean flipsLabels() {
    return true;
  }

  @Override
  public List<Message> forge(AttackView view) {
    return view.own();
  }
}
