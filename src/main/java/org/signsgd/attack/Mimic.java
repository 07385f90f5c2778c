package org.signsgd.attack;

import java.util.List;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;

/**
 * Mimic (Karimireddy, He, Jaggi, "Byzantine-Robust Learning on Heterogeneous Datasets via Bucketing", ICLR 2022), basic
 * form: every Byzantine worker copies one honest worker's vector, the {@code target}-th honest worker in worker order
 * (default 0, as EPFML and ByzFL). Harmful under non-IID data, where it over-weights one worker's distribution.
 */
public final class Mimic implements Attack {
  public static final String NAME = "mimic";
  private static final AttackInfo INFO = AttackInfo.omniscientDense(NAME);

  private final int target;

  public Mimic(int target) {
    this.target = target;
  }

  @Override
  public AttackInfo info() {
    return INFO;
  }

  @Override
  public void checkRequirement(int workers, int byzantine) {
    Attack.super.checkRequirement(workers, byzantine);
    if (target >= workers - byzantine) {
      throw new IllegalArgumentException(NAME + ": target=" + target + " with " + (workers - byzantine)
          + " honest workers; allowed: 0 <= target <= " + (workers - byzantine - 1));
    }
  }

  @Override
  public List<Message> forge(AttackView view) {
    Forging.requireKind(NAME, view, MessageKind.DENSE);
    return Forging.allSend(view, ((DenseMessage) view.honestMessages(NAME).get(target)).values());
  }
}
