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

  @Override
  public Direction aggregate(List<Message> messages, AggregationContext ctx) {
    int d = Requirements.sameShape(name(), messages, MessageKind.DENSE);
    double[] y = combine(DenseMessage.rows(messages), ctx.declaredByzantine());
    float[] out = new float[d];
    for (int k = 0; k < d; k++) {
      out[k] = (float) y[k];
    }
    return new Direction.Dense(out);
  }
}
