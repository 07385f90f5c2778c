package org.signsgd.attack;

import java.util.List;
import java.util.Set;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;

/**
 * A Byzantine attack: what the Byzantine workers send instead of their honest messages.
 *
 * <p>Contract (in the RFC sense):
 * <ul>
 *   <li>{@link #forge} returns exactly one message per Byzantine worker, in the order of {@code view.own()},
 *       each carrying that worker's id, of the view's kind and dimension.</li>
 *   <li>It MUST NOT modify any message or vector of the view (honest or own). A message it builds MUST NOT
 *       share an array with the view; the own messages themselves may be passed through unchanged (messages
 *       are immutable).</li>
 *   <li>It MUST be deterministic given the view; every random draw comes from {@code view.rng(worker)}.</li>
 *   <li>It MUST NOT look past its {@link #threatModel()}: a blind view refuses honest data.</li>
 * </ul>
 */
public interface Attack {
  /** The attack's name, threat model and message kinds, stated once. */
  AttackInfo info();

  default String name() {
    return info().name();
  }

  default ThreatModel threatModel() {
    return info().model();
  }

  /** The message kinds the attack can forge. */
  default Set<MessageKind> kinds() {
    return info().kinds();
  }

  /**
   * Throws an {@link IllegalArgumentException} naming the attack, the values and the allowed range when the
   * attack cannot run with B of Q workers Byzantine.
   */
  default void checkRequirement(int workers, int byzantine) {
    if (workers < 1) {
      throw new IllegalArgumentException(name() + ": Q=" + workers + " workers; allowed: Q >= 1");
    }
    if (byzantine < 0 || byzantine > workers - 1) {
      throw new IllegalArgumentException(name() + ": B=" + byzantine + " Byzantine of Q=" + workers
          + "; allowed: 0 <= B <= " + (workers - 1) + " (at least one honest worker)");
    }
  }

  /** True when the attack reads {@link AttackView#referenceGradient}: networks then compute it every iteration. */
  default boolean needsReference() {
    return false;
  }

  /** True when the attack reads {@link AttackView#ownVectors}: only then do Byzantine workers ship them. */
  default boolean needsOwnVectors() {
    return false;
  }

  List<Message> forge(AttackView view);

  /**
   * True when coordinate k of every forged message depends only on coordinate k of the view (and on the view's
   * streams, drawn in increasing coordinate order), so that the server may forge chunk by chunk of coordinates,
   * on the driver or sharded. An attack that uses a quantity over all coordinates (a norm, a line search on the
   * aggregate) MUST return false.
   */
  default boolean coordinateWise() {
    return true;
  }

  /**
   * The attack in passes of per-chunk sums, for an attack that is not coordinate-wise but whose quantities over all
   * coordinates are sums over them (min-max's and min-sum's distances); null for the others.
   */
  default ChunkedAttack chunked() {
    return null;
  }

  /**
   * The attack as the server tries the run's rule for it chunk by chunk, for an attack that searches its factor
   * against the rule (optimal-alie, ...); null for the others.
   */
  default SearchingAttack searching() {
    return null;
  }

  /**
   * True when the server may forge chunk by chunk (on the driver or sharded): coordinate-wise, in passes of sums, or
   * searching with the rule tried chunk by chunk.
   */
  default boolean shardable() {
    return coordinateWise() || chunked() != null || searching() != null;
  }

  /**
   * What an optimising attack's last {@link #forge} found (the factor it sent with and the candidates it evaluated),
   * recorded in the iterations/ rows; null for an attack that searches nothing, or when there was no Byzantine worker.
   */
  default AttackSearch lastSearch() {
    return null;
  }

  /** True when the Byzantine workers compute their gradients on flipped labels instead of forging messages. */
  default boolean flipsLabels() {
    return false;
  }
}
