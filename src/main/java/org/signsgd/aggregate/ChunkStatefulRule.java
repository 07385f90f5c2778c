package org.signsgd.aggregate;

import java.io.Serializable;
import java.util.List;
import org.signsgd.message.Message;

/**
 * A rule whose state is per coordinate (signSGD-FD's agreement counts): the server keeps it chunk by chunk of
 * coordinates where each chunk runs (on the driver, or in the shards' state), and the rule object keeps only the few
 * numbers every chunk needs ({@link #shared}), which it advances from the chunks' per-worker sums after each round
 * ({@link #advance}). On one chunk of all of d this is the rule itself ({@link Aggregator#aggregate}).
 */
public interface ChunkStatefulRule {
  /** What every chunk needs this round from the rule's own state (first called before the first round). */
  Serializable shared(int workers, int d);

  /**
   * The rule on one chunk: its part of the direction, its new state (from {@code state}, null at the first round),
   * and per-worker sums that {@link #advance} adds up over the chunks; f is the declared count the rule is told.
   */
  Finished finish(List<Message> messages, int workers, int f, Serializable shared, Serializable state, int length);

  /** After every chunk has finished the round: the chunks' sums, added in chunk order; d of the whole vectors. */
  void advance(double[] sums, int d);

  /** Passes of partial sums before the finish (centered clipping's norms); 0 for most rules. */
  default int passes() {
    return 0;
  }

  /** One chunk's partial sums on pass {@code pass}, from its state (not modified) and what was decided so far. */
  default double[] partial(int pass, List<Message> messages, int f, Serializable decided, Serializable state) {
    throw new UnsupportedOperationException("no passes");
  }

  /** On the driver: from a pass's sums over all chunks (n rows), what the next pass or the finish needs. */
  default Serializable decide(int pass, double[] sums, int n, int f, Serializable decided) {
    throw new UnsupportedOperationException("no passes");
  }

  /**
   * {@link #partial} on rows of doubles rather than messages: a dense rule under a pre-aggregation step takes the
   * step's vectors as they are (centered clipping); the others need messages.
   */
  default double[] partialRows(int pass, double[][] x, int f, Serializable decided, Serializable state) {
    throw new UnsupportedOperationException("this rule takes messages");
  }

  /** {@link #finish} on rows of doubles, as {@link #partialRows}. */
  default Finished finishRows(double[][] x, int workers, int f, Serializable decided, Serializable state,
      int length) {
    throw new UnsupportedOperationException("this rule takes messages");
  }

  /**
   * The rule for one chunk of one round: a step that draws (bucketing's permutation, when bucketing wraps such a
   * rule) draws from {@code rng}, the round's stream of chunk 0, as {@link ChunkedRule#forRound}; the other rules
   * are themselves.
   */
  default ChunkStatefulRule forRound(java.util.random.RandomGenerator rng, int from, int dimension) {
    return this;
  }

  /** One chunk's part of a round. */
  record Finished(Direction direction, Serializable state, double[] sums) implements Serializable {}
}
