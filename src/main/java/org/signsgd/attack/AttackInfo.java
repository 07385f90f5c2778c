package org.signsgd.attack;

import java.util.Set;
import org.signsgd.message.MessageKind;

/**
 * What an attack states once about itself: its registry name, what it may see, and the message kinds it forges.
 *
 * @param name the registry name
 * @param model what the attack may see
 * @param kinds the message kinds the attack can forge
 */
public record AttackInfo(String name, ThreatModel model, Set<MessageKind> kinds) {
  public AttackInfo {
    kinds = Set.copyOf(kinds);
  }

  /** An attack on dense messages that reads the honest ones. */
  static AttackInfo omniscientDense(String name) {
    return new AttackInfo(name, ThreatModel.OMNISCIENT, Set.of(MessageKind.DENSE));
  }

  /** A blind attack that forges both kinds. */
  static AttackInfo blindBoth(String name) {
    return new AttackInfo(name, ThreatModel.BLIND, Set.of(MessageKind.SIGN, MessageKind.DENSE));
  }
}
