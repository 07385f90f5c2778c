package org.signsgd.aggregate;

import java.util.List;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;

/**
 * A gradient aggregation rule (GAR): the driver's step from the workers' messages to one direction.
 *
 * <p>Contract (in the RFC sense):
 * <ul>
 *   <li>{@link #aggregate} MUST NOT modify, keep or return any array held by a message; it returns a fresh
 *       direction of the messages' dimension.</li>
 *   <li>It MUST be deterministic given the messages (in the order given) and {@code ctx}; every random choice
 *       comes from {@code ctx.rng()}; ties in any selection go to the lowest worker index.</li>
 *   <li>It receives only messages of {@link #kind()}, all of one dimension, already validated at the driver
 *       ({@link org.signsgd.message.MessageCheck}); it MUST still reject a mismatch with a one-line
 *       {@link IllegalArgumentException} naming the worker, the value and what was expected.</li>
 *   <li>{@link #checkRequirement} states the rule's hard requirement on (n, f) (e.g. Krum: n ≥ 2f + 3) and is
 *       called when the job is validated, before any work starts.</li>
 *   <li>A stateful rule keeps its state in its own object, which the engine checkpoints.</li>
 * </ul>
 */
public interface Aggregator {
  /** The registry name. */
  String name();

  /** The message kind the rule reads. */
  MessageKind kind();

  /**
   * Throws an {@link IllegalArgumentException} naming the rule, the values and the allowed range when the
   * rule cannot run with n messages of which f are declared Byzantine.
   */
  default void checkRequirement(int n, int f) {
    Requirements.basic(name(), n, f);
  }

  Direction aggregate(List<Message> messages, AggregationContext ctx);

  /**
   * True when coordinate k of the direction depends only on coordinate k of the messages (and on the round's
   * stream, drawn in increasing coordinate order): the server may then run the rule on each chunk of coordinates
   * on its own, on the driver or sharded across the cluster, with the same result. False for rules that compare
   * whole vectors (Krum's distances, the geometric median's norms) or keep per-round state over all of d.
   */
  default boolean coordinateWise() {
    return false;
  }

  /**
   * True when the server may run the rule chunk by chunk of coordinates: a coordinate-wise rule, or one whose
   * quantities over all coordinates are sums that {@link #chunked()} takes per chunk. A stateful rule is not (its
   * state spans all of d on the driver).
   */
  default boolean shardable() {
    return coordinateWise();
  }

  /** The rule as passes of per-chunk partial sums ({@link ChunkedRule}); null for a coordinate-wise or whole rule. */
  default ChunkedRule chunked() {
    return null;
  }

  /** The rule as a per-chunk state and a shared part ({@link ChunkStatefulRule}); null for other rules. */
  default ChunkStatefulRule chunkStateful() {
    return null;
  }

  /** How the workers put sign(0) on the uplink for this rule (sign rules; {@link TieRule#ZERO} otherwise). */
  default org.signsgd.vote.TieRule encoding() {
    return org.signsgd.vote.TieRule.ZERO;
  }

  /**
   * The largest variance-norm ratio under which the rule's resilience guarantee holds, squared so that it compares
   * directly with the ratio r: the square of {@code upper_bound(n, f)} in the code of El Mhamdi, Guerraoui, Rouault,
   * "Distributed Momentum for Byzantine-resilient Stochastic Gradient Descent", ICLR 2021 (LPD-EPFL's
   * ByzantineMomentum), i.e. 1/η(n, f)² for Krum and Bulyan (Blanchard et al. 2017, Prop. 1) and 1/(n − f) for
   * the median; null when the rule has none.
   */
  default Double varianceBound(int n, int f) {
    return null;
  }

  /** True when the rule keeps state across rounds (signSGD-FD, centered clipping). */
  default boolean stateful() {
    return false;
  }

  /** A stateful rule's state after the rounds so far, for resume points (null: nothing yet, or stateless). */
  default java.io.Serializable state() {
    return null;
  }

  /** Sets the state {@link #state()} returned (resume); null leaves the rule fresh. */
  default void restoreState(java.io.Serializable state) {
    if (state != null) {
      throw new IllegalStateException(name() + " keeps no state to restore");
    }
  }

  /**
   * The weight each worker's message carried in the last round, indexed by worker (the mean over coordinates
   * where it varies, as in signSGD-FD); null for a rule that does not weight its workers.
   */
  default double[] lastWeights() {
    return null;
  }
}
