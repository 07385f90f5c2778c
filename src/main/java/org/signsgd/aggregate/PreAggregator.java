package org.signsgd.aggregate;

import java.util.random.RandomGenerator;

/**
 * A pre-aggregation step (docs/pre-aggregators.md): it turns the n messages into m vectors (mixed, bucketed,
 * clipped) and another dense rule, its {@code then} (itself possibly a pre-aggregator), runs on those with the
 * same declared f. The job names both: {@code {name: nnm, then: {name: krum, neighbours: 3}}}.
 *
 * <p>The round's stream ({@link AggregationContext#rng()}) is handed down the chain, so that a randomised step
 * (bucketing) draws from it wherever it sits. A stateful inner rule (centered clipping) keeps its state in its own
 * object on whole vectors, which this step reports and restores for the resume points; chunk by chunk (as the server
 * runs it) the state is the chunks' ({@link #chunkStateful}), kept where the chunks run.
 */
public abstract class PreAggregator extends DenseRule implements ChunkedRule {
  /** The rule that runs on this step's vectors. */
  protected final DenseRule then;

  protected PreAggregator(DenseRule then) {
    this.then = java.util.Objects.requireNonNull(then, "then");
  }

  /** The rule that runs on this step's vectors. */
  public final DenseRule then() {
    return then;
  }

  /**
   * The m vectors the inner rule runs on, as fresh arrays ({@code x} untouched); {@code rng} is the round's stream,
   * null outside a round (a step that draws refuses then).
   */
  abstract double[][] preAggregate(double[][] x, int f, RandomGenerator rng);

  /** How many vectors {@link #preAggregate} makes of n (bucketing: ⌈n/s⌉). */
  int count(int n) {
    return n;
  }

  /** This step's own requirement on (n, f); the inner rule's is checked on ({@link #count}(n), f). */
  void checkOwn(int n, int f) {
    Requirements.basic(name(), n, f);
  }

  /** What {@link #checkRequirement} says before the inner rule's refusal: "nnm: then: ". */
  String innerPrefix(int n) {
    return name() + ": then: ";
  }

  @Override
  public final void checkRequirement(int n, int f) {
    checkOwn(n, f);
    try {
      then.checkRequirement(count(n), f);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(innerPrefix(n) + e.getMessage(), e);
    }
  }

  @Override
  public double[] combine(double[][] x, int f) {
    return combine(x, f, null);
  }

  /** The step, then the inner rule, with the round's stream handed down ({@code rng} may be null outside a round). */
  @Override
  public double[] combine(double[][] x, int f, RandomGenerator rng) {
    double[][] y = preAggregate(x, f, rng);
    return then.combine(y, f, rng);
  }

  /**
   * Shardable when the rule it wraps is coordinate-wise, chunked or keeps state per chunk: every step runs chunk by
   * chunk ({@link ChunkedRule}) over a coordinate-wise or chunked rule, its own quantities over all coordinates taken
   * as sums per chunk, and before a rule with state per chunk ({@link #chunkStateful}).
   */
  @Override
  public final boolean shardable() {
    return then.coordinateWise() || then.chunked() != null || then.chunkStateful() != null;
  }

  @Override
  public final ChunkedRule chunked() {
    return then.coordinateWise() || then.chunked() != null ? this : null;
  }

  /**
   * Over a rule that keeps state per chunk (centered clipping's centre, or another step over one): the step's passes,
   * then the rule's passes and finish on the step's vectors of each chunk, the state the rule's.
   */
  @Override
  public final ChunkStatefulRule chunkStateful() {
    ChunkStatefulRule inner = then.chunkStateful();
    return inner == null ? null : new SteppedStatefulRule(wrapping(new RowCapture()).chunked(), inner, this::count);
  }

  /** This step, with its parameters, over another rule. */
  abstract PreAggregator wrapping(DenseRule rule);

  @Override
  public boolean stateful() {
    return then.stateful();
  }

  @Override
  public java.io.Serializable state() {
    return then.state();
  }

  @Override
  public void restoreState(java.io.Serializable state) {
    then.restoreState(state);
  }
}
