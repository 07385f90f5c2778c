package org.signsgd.attack;

import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;
import org.signsgd.message.SignMessage;
import org.signsgd.vote.SignVector;

/**
 * Random signs: each Byzantine worker sends i.i.d. uniform ±1 per coordinate and round (Bernstein et al. 2019
 * code's random adversary; in distribution Park and Lee 2024's SSFA with r = 1/2).
 */
public final class RandomSign implements Attack {
  public static final String NAME = "random-sign";
  private static final AttackInfo INFO = new AttackInfo(NAME, ThreatModel.BLIND, Set.of(MessageKind.SIGN));

  @Override
  public AttackInfo info() {
    return INFO;
  }

  @Override
  public List<Message> forge(AttackView view) {
    Forging.requireKind(NAME, view, MessageKind.SIGN);
    int d = view.dimension();
    return Forging.perWorker(view, (worker, k) -> {
      RandomGenerator rng = view.rng(worker);
      long[] negative = new long[SignVector.wordsFor(d)];
      for (int w = 0; w < negative.length; w++) {
        negative[w] = rng.nextLong();
      }
      if ((d & 63) != 0) {
        negative[negative.length - 1] &= (1L << (d & 63)) - 1;
      }
      return new SignMessage(worker, SignVector.fromWords(d, negative, null));
    });
  }
}
