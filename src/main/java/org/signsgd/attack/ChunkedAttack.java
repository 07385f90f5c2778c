package org.signsgd.attack;

import java.io.Serializable;
import java.util.List;
import org.signsgd.message.Message;

/**
 * An attack that needs quantities over all coordinates (norms, distances) written so that the server can forge chunk
 * by chunk of coordinates, as a {@link org.signsgd.aggregate.ChunkedRule} aggregates: {@link #passes()} times, every
 * chunk gives its partial sums over its view ({@link #partial}), the driver adds them in chunk order and decides from
 * them ({@link #decide}: min-max's γ); then every chunk forges its coordinates of the Byzantine messages
 * ({@link #finish}). The attack's passes come before the rule's. On one chunk of all of d this is the attack itself:
 * {@link #forgeWhole}, which {@link Attack#forge} of such an attack is.
 */
public interface ChunkedAttack {
  /** Passes of partial sums before the chunks forge. */
  int passes();

  /** The partial sums of pass {@code pass} over one chunk's view; {@code decided} is null at pass 0. */
  double[] partial(int pass, AttackView view, Serializable decided);

  /**
   * On the driver: from pass {@code pass}'s sums over all chunks, what the next pass (or the forging) needs. The
   * driver's instance records here what its search found ({@link Attack#lastSearch}).
   */
  Serializable decide(int pass, double[] sums, Serializable decided);

  /** The forged messages over one chunk: one per Byzantine worker of the view, as {@link Attack#forge}. */
  List<Message> finish(AttackView view, Serializable decided);

  /** The attack on all coordinates at once: one chunk, from 0 to d. */
  static List<Message> forgeWhole(ChunkedAttack attack, AttackView view) {
    Serializable decided = null;
    for (int pass = 0; pass < attack.passes(); pass++) {
      decided = attack.decide(pass, attack.partial(pass, view, decided), decided);
    }
    return attack.finish(view, decided);
  }
}
