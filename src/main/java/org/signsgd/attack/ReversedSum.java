package org.signsgd.attack;

import java.util.List;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;

/**
 * Each Byzantine worker sends −(sum of the honest gradients), so the mean of all Q messages points against
 * the honest direction whenever B ≥ 1: one such worker stops plain distributed SGD (Akoun and Meyer, arXiv
 * 2202.02085, §4).
 */
public final class ReversedSum implements Attack {
  public static final String NAME = "reversed-sum";
  private static final AttackInfo INFO = AttackInfo.omniscientDense(NAME);

  @Override
  public AttackInfo info() {
    return INFO;
  }

  @Override
  public List<Message> forge(AttackView view) {
    Forging.requireKind(NAME, view, MessageKind.DENSE);
    double[] sum = new double[view.dimension()];
    for (Message m : view.honestMessages(NAME)) {
      float[] x = ((DenseMessage) m).values();
      for (int i = 0; i < sum.length; i++) {
        sum[i] += x[i];
      }
    }
    float[] out = new float[sum.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) -sum[i];
    }
    return Forging.allSend(view, out);
  }
}
