package org.signsgd.aggregate;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;
import java.util.random.RandomGenerator;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;

/**
 * A pre-aggregation step (nnm, bucketing, clipping, arc) over a rule that keeps state per chunk (centered clipping's
 * centre), chunk by chunk: first the step's own passes (its distances, its norms), then on each chunk the step's
 * vectors of the chunk, on which the inner rule runs its passes and its finish from the chunk's state. The state is
 * the inner rule's; the step keeps none. The step's vectors reach the inner rule as float messages, as the workers'
 * messages reach a rule, one per vector (row i as worker i).
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
    Decided d = (Decided) decided;
    double[][] x = DenseMessage.rows(messages);
    if (pass < step.passes()) {
      return step.partial(pass, x, f, d.step());
    }
    return inner.partial(pass - step.passes(), vectors(x, f, d.step()), f, d.inner(), state);
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
    Decided d = (Decided) decided;
    List<Message> y = vectors(DenseMessage.rows(messages), f, d.step());
    return inner.finish(y, y.size(), f, d.inner(), state, length);
  }

  @Override
  public void advance(double[] sums, int d) {
    inner.advance(sums, d);
  }

  /** The step's vectors of the chunk, vector i as worker i's message. */
  private List<Message> vectors(double[][] x, int f, Serializable decided) {
    double[] flat = step.finish(x, f, decided);
    int m = count.applyAsInt(x.length);
    int length = m == 0 ? 0 : flat.length / m;
    List<Message> out = new ArrayList<>(m);
    for (int i = 0; i < m; i++) {
      float[] v = new float[length];
      for (int k = 0; k < length; k++) {
        v[k] = (float) flat[i * length + k];
      }
      out.add(new DenseMessage(i, v));
    }
    return out;
  }
}
