package org.signsgd.server;

import java.io.Serializable;
import java.util.Set;
import org.signsgd.aggregate.Direction;

/**
 * What the server's work on one chunk returns: the direction's coordinates and the partial sums the metrics need,
 * or, when the chunk found a malformed message the round did not know of, only which ones ({@code complete} false).
 *
 * @param badUplinks workers whose own message is malformed in this chunk
 * @param badForged Byzantine workers whose forged message is malformed in this chunk
 * @param reached how many messages reached the rule
 * @param agreement Σ over the honest messages of their signs' agreements with the reference's signs (0 without one)
 * @param received the honest vectors' Σ‖ū‖² and Σ‖u_i − ū‖² over this chunk (dense rules; else null)
 * @param sampled the same over the honest sampled gradients (when the round has them; else null)
 * @param workerAgreement per worker, the agreements of its received message's signs with the direction's (−1: no
 *     message of that worker reached the rule); null unless the run writes workers/ rows
 * @param withZeros workers whose sign message reaching the rule has a zero coordinate in this chunk (it then
 *     travels with a second bit-plane); empty for dense messages
 * @param partial a chunked rule's partial sums on a pass before its finish (then {@code direction} and the metric
 *     sums are null); a chunk-stateful rule's per-worker sums at its finish
 * @param state a chunk-stateful rule's new state of this chunk (null for other rules); it stays where the chunk ran
 * @param weights the weight each worker carried in this chunk ({@link org.signsgd.aggregate.Aggregator#lastWeights})
 */
public record ChunkResult(int chunk, boolean complete, Set<Integer> badUplinks, Set<Integer> badForged,
    Direction direction, int reached, long agreement, int honest, double[] received, double[] sampled, long[] workerAgreement,
    Set<Integer> withZeros, double[] partial, double[] weights, Serializable state) implements Serializable {

  static ChunkResult incomplete(int chunk, Set<Integer> badUplinks, Set<Integer> badForged) {
    return new ChunkResult(chunk, false, Set.copyOf(badUplinks), Set.copyOf(badForged), null, 0, 0, 0, null, null,
        null, Set.of(), null, null, null);
  }

  static ChunkResult partial(int chunk, Set<Integer> badUplinks, Set<Integer> badForged, int reached,
      double[] sums) {
    return new ChunkResult(chunk, true, Set.copyOf(badUplinks), Set.copyOf(badForged), null, reached, 0, 0, null,
        null, null, Set.of(), sums, null, null);
  }

  static ChunkResult agreements(int chunk, long[] workerAgreement) {
    return new ChunkResult(chunk, true, Set.of(), Set.of(), null, 0, 0, 0, null, null, workerAgreement, Set.of(),
        null, null, null);
  }

  /**
   * This result with {@code placed} as its direction: the whole direction of d coordinates into which this chunk's
   * coordinates were copied where they belong (the sharded runner assembles it as results arrive).
   */
  public ChunkResult withDirection(Direction placed) {
    return new ChunkResult(chunk, complete, badUplinks, badForged, placed, reached, agreement, honest, received,
        sampled, workerAgreement, withZeros, partial, weights, state);
  }

  /** This result without the chunk's state: what the driver collects. */
  public ChunkResult withoutState() {
    return state == null ? this : new ChunkResult(chunk, complete, badUplinks, badForged, direction, reached,
        agreement, honest, received, sampled, workerAgreement, withZeros, partial, weights, null);
  }
}
