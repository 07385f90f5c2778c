package org.signsgd.aggregate;

import java.util.List;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;

/**
 * Plain distributed SGD: F(x_1..x_n) = (1/n) Σ_i x_i, the baseline of the robust rules. Breakdown point 0: one
 * Byzantine vector moves it anywhere. Summed in double, in worker order.
 * <p>The math and a worked example: docs/aggregators.md#mean.
 */
public final class Mean extends DenseRule {
  public static final String NAME = "mean";

  @Override
  public String name() {
    return NAME;
  }

  /** Coordinate by coordinate: the server may run it chunk by chunk. */
  @Override
  public boolean coordinateWise() {
    return true;
  }

  @Override
  public double[] combine(double[][] x, int f) {
    return Rows.mean(x, java.util.stream.IntStream.range(0, x.length).toArray());
  }

  /** Streams the messages into one double sum: no n × d matrix for the plain mean. */
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
