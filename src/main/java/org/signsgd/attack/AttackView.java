package org.signsgd.attack;

import java.util.List;
import java.util.random.RandomGenerator;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;
import org.signsgd.rng.SeedStreams;
import org.signsgd.vote.TieRule;

/**
 * What the Byzantine workers see in one iteration, exactly as far as the threat model allows. A blind view
 * refuses to show honest messages or the reference gradient: asking for them is a programming error that
 * names the attack.
 *
 * @param model what the attack may see
 * @param kind the message kind of the run (sign or dense)
 * @param dimension d
 * @param workers Q, honest and Byzantine together
 * @param own the Byzantine workers' own honest messages (what they would send if they were honest), in
 *     worker order
 * @param ownVectors the vectors those messages encode (after worker momentum, before the sign), same order;
 *     entries are null unless the attack {@linkplain Attack#needsOwnVectors() needs them}
 * @param honest the honest workers' messages (omniscient only; null in a blind view)
 * @param reference the true gradient (exact for analytic models, honest mean for networks; omniscient only)
 * @param encoding how sign(0) is put on the uplink
 * @param seed the job seed; with the iteration and a worker it names that worker's attack stream
 * @param iteration t
 * @param chunk which coordinate chunk of the messages the view holds (the server works chunk by chunk; every
 *     chunk has its own streams, chunk 0 those of the whole vector)
 * @param rule the run's rule as an optimising attack may try it on candidate forgeries (omniscient views of whole
 *     vectors only; null otherwise)
 */
public record AttackView(ThreatModel model, MessageKind kind, int dimension, int workers, List<Message> own,
    List<float[]> ownVectors, List<Message> honest, float[] reference, TieRule encoding, long seed,
    long iteration, int chunk, RuleTrial rule) {

  /**
   * The run's aggregation rule on the honest messages of the view and candidate Byzantine ones, as the server
   * would run it this iteration (same n, declared f and tie stream), without changing the rule's state: a stateful
   * rule is tried on a copy of its state.
   */
  @FunctionalInterface
  public interface RuleTrial {
    /**
     * @param forged one candidate message per Byzantine worker, in the order of {@link AttackView#own()}
     * @return the direction the rule would output, as floats
     */
    float[] aggregate(List<Message> forged);
  }

  /** A view of one chunk, without the rule. */
  public AttackView(ThreatModel model, MessageKind kind, int dimension, int workers, List<Message> own,
      List<float[]> ownVectors, List<Message> honest, float[] reference, TieRule encoding, long seed,
      long iteration, int chunk) {
    this(model, kind, dimension, workers, own, ownVectors, honest, reference, encoding, seed, iteration, chunk, null);
  }

  /** A view of whole messages (chunk 0). */
  public AttackView(ThreatModel model, MessageKind kind, int dimension, int workers, List<Message> own,
      List<float[]> ownVectors, List<Message> honest, float[] reference, TieRule encoding, long seed,
      long iteration) {
    this(model, kind, dimension, workers, own, ownVectors, honest, reference, encoding, seed, iteration, 0, null);
  }

  public AttackView {
    own = List.copyOf(own);
    ownVectors = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(ownVectors));
    if (ownVectors.size() != own.size()) {
      throw new IllegalArgumentException("attack view: " + own.size() + " Byzantine messages but "
          + ownVectors.size() + " vectors; expected one vector per message");
    }
    honest = honest == null ? null : List.copyOf(honest);
    for (Message m : own) {
      requireShape(m, kind, dimension, "Byzantine");
    }
    for (float[] v : ownVectors) {
      if (v != null && v.length != dimension) {
        throw new IllegalArgumentException("attack view: a Byzantine vector has d=" + v.length + "; expected d="
            + dimension);
      }
    }
    if (honest != null) {
      for (Message m : honest) {
        requireShape(m, kind, dimension, "honest");
      }
    }
    if (reference != null && reference.length != dimension) {
      throw new IllegalArgumentException("attack view: the reference gradient has d=" + reference.length
          + "; expected d=" + dimension);
    }
  }

  private static void requireShape(Message m, MessageKind kind, int dimension, String who) {
    if (m.kind() != kind || m.dimension() != dimension) {
      throw new IllegalArgumentException("attack view: " + who + " worker " + m.worker() + " sent a "
          + m.kind().label() + " message of d=" + m.dimension() + "; expected " + kind.label() + " of d="
          + dimension);
    }
  }

  /** Number of Byzantine workers B. */
  public int byzantine() {
    return own.size();
  }

  /** The honest messages; throws in a blind view. */
  public List<Message> honestMessages(String attack) {
    requireOmniscient(attack, "honest messages");
    return honest;
  }

  /** The reference (true) gradient; throws in a blind view or when none was computed. */
  public float[] referenceGradient(String attack) {
    requireOmniscient(attack, "the reference gradient");
    if (reference == null) {
      throw new IllegalStateException(attack + ": no reference gradient was computed for iteration " + iteration);
    }
    return reference;
  }

  /**
   * What the run's rule outputs on the honest messages and {@code forged} (one per Byzantine worker, in the order of
   * {@link #own()}); throws in a blind view or when the server gave no rule (a chunked view).
   */
  public float[] aggregateWith(String attack, List<Message> forged) {
    requireOmniscient(attack, "the run's rule");
    if (rule == null) {
      throw new IllegalStateException(attack + " tries the run's rule on whole vectors; this view holds chunk "
          + chunk + " without the rule (the attack must not be coordinate-wise)");
    }
    if (forged.size() != own.size()) {
      throw new IllegalArgumentException(attack + " tried the rule with " + forged.size() + " forged messages; "
          + "expected one per Byzantine worker: " + own.size());
    }
    return rule.aggregate(forged);
  }

  /** The seeded stream of Byzantine worker {@code worker} for this iteration. */
  public RandomGenerator rng(int worker) {
    return SeedStreams.of(seed, iteration, worker, SeedStreams.Purpose.ATTACK, chunk);
  }

  private void requireOmniscient(String attack, String what) {
    if (model != ThreatModel.OMNISCIENT) {
      throw new IllegalStateException(attack + " asked for " + what + " through a blind view; declare it "
          + "omniscient");
    }
  }
}
