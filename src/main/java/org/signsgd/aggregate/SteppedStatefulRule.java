package org.signsgd.aggregate;

import java.io.Serializable;
import java.util.List;
import java.util.function.IntUnaryOperator;
import java.util.random.RandomGenerator;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;

/**
 * A pre-aggregation step (nnm, bucketing, clipping, arc) over a rule that keeps state per chunk (centered clipping's
 * centre), chunk by chunk: first the step's own passes (its distances, its norms), then on each chunk the step's
 * vectors of the chunk, on which the inner rule runs its passes and its finish from the chunk's state. The state is
 * the inner rule's; the step keeps none. The step's vectors reach the inner rule as rows of doubles, as the rule on
 * whole vectors gets them.
 */
final class SteppedStatefulRule implements ChunkStatefulRule {
  /** The step over a {@link RowCapture}: its own passes, and a finish that returns its vectors. */
  private final ChunkedRule step;
  private final ChunkStatefulRule inner;
  /** How many vectors the step makes of n (bucketing's ⌈n/s⌉). */
  private final IntUnaryOperator count;

  SteppedStatefulRule(ChunkedRule step, ChunkStatefulRule inner, IntUnaryOperator count) {
    this.step = step;
    this.inner = inner;
    this.count = count;
  }

  /** What the passes decided so far: the step's decision and the inner rule's. */
  private record Decided(Serializable step, Serializable inner) implements Serializable {}

  @Override
  public ChunkStatefulRule forRound(RandomGenerator rng, int from, int dimension) {
    return new SteppedStatefulRule(step.forRound(rng, from, dimension), inner.forRound(rng, from, dimension), count);
  }

  @Override
  public Serializable shared(int workers, int d) {
    return new Decided(null, inner.shared(count.applyAsInt(workers), d));
  }

  @Override
  public int passes() {
    return step.passes() + inner.passes();
  }

  @Override
  public double[] partial(int pass, List<Message> messages, int f, Serializable decided, Serializable state) {
    return partialRows(pass, DenseMessage.rows(messages), f, decided, state);
  }

  @Override
  public double[] partialRows(int pass, double[][] x, int f, Serializable decided, Serializable state) {
    Decided d = (Decided) decided;
    if (pass < step.passes()) {
      return step.partial(pass, x, f, d.step());
    }
    return inner.partialRows(pass - step.passes(), vectors(x, f, d.step()), f, d.inner(), state);
  }

  @Override
  public Serializable decide(int pass, double[] sums, int n, int f, Serializable decided) {
    Decided d = (Decided) decided;
    if (pass < step.passes()) {
      return new Decided(step.decide(pass, sums, n, f, d.step()), d.inner());
    }
    return new Decided(d.step(), inner.decide(pass - step.passes(), sums, count.applyAsInt(n), f, d.inner()));
  }

  @Override
  public Finished finish(List<Message> messages, int workers, int f, Serializable decided, Serializable state,
      int length) {
    return finishRows(DenseMessage.rows(messages), workers, f, decided, state, length);
  }

  @Override
  public Finished finishRows(double[][] x, int workers, int f, Serializable decided, Serializable state,
      int length) {
    Decided d = (Decided) decided;
    double[][] y = vectors(x, f, d.step());
    return inner.finishRows(y, y.length, f, d.inner(), state, length);
  }

  @Override
  public void advance(double[] sums, int d) {
    inner.advance(sums, d);
  }

  /** The step's vectors of the chunk. */
  private double[][] vectors(double[][] x, int f, Serializable decided) {
    double[] flat = step.finish(x, f, decided);
    int m = count.applyAsInt(x.length);
    int length = m == 0 ? 0 : flat.length / m;
    double[][] out = new double[m][];
    for (int i = 0; i < m; i++) {
      out[i] = java.util.Arrays.copyOfRange(flat, i * length, (i + 1) * length);
    }
    return out;
  }
}
