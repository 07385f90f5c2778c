package org.signsgd.aggregate;

import java.io.Serializable;

/**
 * A dense rule that needs quantities over all coordinates (Krum's and NNM's distances, the geometric median's
 * norms), written so that the server can run it chunk by chunk of coordinates: {@link #passes()} times, every chunk
 * gives its partial sums ({@link #partial}), the driver adds them in chunk order and decides from them what the next
 * pass needs ({@link #decide}: a selection, weights); then every chunk computes its part of the direction
 * ({@link #finish}). On one chunk of all of d this is the rule itself ({@link #whole}), which the worked examples
 * test; on many, the sums are taken per chunk and added, one canonical order wherever the chunks run.
 */
public interface ChunkedRule {
  /** Passes of partial sums before the finish. */
  int passes();

  /**
   * The partial sums of pass {@code pass} over one chunk: rows x[i] of the chunk's coordinates, f the declared
   * Byzantine count, {@code decided} what the driver decided after the previous pass (null at pass 0).
   */
  double[] partial(int pass, double[][] x, int f, Serializable decided);

  /** On the driver: from pass {@code pass}'s sums over all chunks, what the next pass (or the finish) needs. */
  Serializable decide(int pass, double[] sums, int n, int f, Serializable decided);

  /** The direction's coordinates over one chunk. */
  double[] finish(double[][] x, int f, Serializable decided);

  /**
   * The rule for rows that hold these workers' messages, in this order (a malformed message never reaches the
   * rule, so row i need not be worker i): a rule that names a worker (MoNNA's pivot) finds its row here.
   */
  default ChunkedRule forWorkers(int[] workers) {
    return this;
  }

  /**
   * The rule for one chunk of one round: a rule that draws (bucketing's permutation, dnc's coordinates) draws from
   * {@code rng}, the round's stream of chunk 0, which the rule on whole vectors draws from too, so that every
   * chunk, wherever it runs, makes the same draws as the whole rule; {@code from} and {@code dimension} say where
   * the chunk's coordinates lie in d (dnc's drawn coordinates are coordinates of d). A step that wraps another rule
   * hands it the same stream and chunk. The other rules draw nothing and are themselves.
   */
  default ChunkedRule forRound(java.util.random.RandomGenerator rng, int from, int dimension) {
    return this;
  }

  /** The rule on all coordinates at once: one chunk, from 0 to d. */
  static double[] whole(ChunkedRule rule, double[][] x, int f) {
    Serializable decided = null;
    for (int pass = 0; pass < rule.passes(); pass++) {
      decided = rule.decide(pass, rule.partial(pass, x, f, decided), x.length, f, decided);
    }
    return rule.finish(x, f, decided);
  }
}
