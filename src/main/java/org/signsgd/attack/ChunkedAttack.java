package org.signsgd.attack;

import java.io.Serializable;
import java.util.List;
import org.signsgd.message.Message;

/**
 * An attack that needs quantities over all coordinates (norms, distances) written so that the server can forge chunk
 * by chunk of coordinates, as a {@link org.signsgd.aggregate.ChunkedRule} aggregates: until the driver's decision is
 * {@link #ready}, every chunk gives its partial sums over its view ({@link #partial}), and the driver adds them in
 * chunk order and decides from them ({@link #decide}: min-max's γ); then every chunk forges its coordinates of the
 * Byzantine messages ({@link #finish}). The attack's passes come before the rule's. On one chunk of all of d this is
 * the attack itself: {@link #forgeWhole}, which {@link Attack#forge} of such an attack is.
 */
public interface ChunkedAttack {
  /** True when the chunks forge with {@code decided}; false while the attack needs another pass (null: none yet). */
  boolean ready(Serializable decided);

  /** The partial sums of the next pass over one chunk's view, after {@code decided} (null at the first pass). */
  double[] partial(AttackView view, Serializable decided);

  /**
   * On the driver: from a pass's sums over all chunks, what the next pass (or the forging) needs. The driver's
   * instance records here what its search found ({@link Attack#lastSearch}).
   */
  Serializable decide(double[] sums, Serializable decided);

  /** The forged messages over one chunk: one per Byzantine worker of the view, as {@link Attack#forge}. */
  List<Message> finish(AttackView view, Serializable decided);

  /** The attack on all coordinates at once: one chunk, from 0 to d. */
  static List<Message> forgeWhole(ChunkedAttack attack, AttackView view) {
    Serializable decided = null;
    while (!attack.ready(decided)) {
      decided = attack.decide(attack.partial(view, decided), decided);
    }
    return attack.finish(view, decided);
  }
}
