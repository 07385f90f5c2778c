package org.signsgd.aggregate;

import java.util.List;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;

/**
 * A rule over dense vectors (the classic robust aggregators: mean, Krum, median, trimmed mean, Bulyan, ...): the
 * messages, in worker order, as rows of doubles; the rule's arithmetic in double on those rows ({@link #combine}, which
 * the worked-example tests call directly); the result as a float direction.
 */
public abstract class DenseRule implements Aggregator {
  @Override
  public final MessageKind kind() {
    return MessageKind.DENSE;
  }

  /**
   * The rule on n rows of dimension d; {@code f} is the declared Byzantine count. MUST NOT modify {@code x}.
   */
  public abstract double[] combine(double[][] x, int f);

  /**
   * The rule with the round's seeded stream, for a rule that draws (dnc's coordinates, signguard's subset,
   * bucketing's permutation) and for a pre-aggregator, which hands the stream down to the rule it wraps; the others
   * ignore it. {@code rng} is null outside a round.
   */
  public double[] combine(double[][] x, int f, java.util.random.RandomGenerator rng) {
    return combine(x, f);
  }

  @Override
  public Direction aggregate(List<Message> messages, AggregationContext ctx) {
    int d = Requirements.sameShape(name(), messages, MessageKind.DENSE);
    double[] y = combine(DenseMessage.rows(messages), ctx.declaredByzantine(), ctx.rng());
    float[] out = new float[d];
    for (int k = 0; k < d; k++) {
      out[k] = (float) y[k];
    }
    return new Direction.Dense(out);
  }
}
