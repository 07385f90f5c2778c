package org.signsgd.aggregate;

import java.util.List;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;

/**
 * Plain distributed SGD: F(x_1..x_n) = (1/n) Σ_i x_i (REFERENCE Part II §1.1). Breakdown point 0: one
 * Byzantine vector moves it anywhere. Summed in double, in worker order.
 */
public final class Mean implements Aggregator {
  public static final String NAME = "mean";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public MessageKind kind() {
    return MessageKind.DENSE;
  }

  @Override
  public Direction aggregate(List<Message> messages, AggregationContext ctx) {
    int d = Requirements.sameShape(NAME, messages, MessageKind.DENSE);
    double[] sum = new double[d];
    for (Message m : messages) {
      float[] x = ((DenseMessage) m).values();
      for (int i = 0; i < d; i++) {
        sum[i] += x[i];
      }
    }
    float[] out = new float[d];
    for (int i = 0; i < d; i++) {
      out[i] = (float) (sum[i] / messages.size());
    }
    return new Direction.Dense(out);
  }
}
