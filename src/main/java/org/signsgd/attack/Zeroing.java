package org.signsgd.attack;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;
import org.signsgd.message.SignMessage;
import org.signsgd.vote.SignVector;
import org.signsgd.vote.VoteTally;

/**
 * The colluding "zeroing" attack of Akoun and Meyer, arXiv 2202.02085, §4, as their code computes it
 * ({@code src/optim/signum.py}). Per coordinate, with s the sum of the honest signs and f the number of Byzantine
 * workers:
 * <pre>
 *   s &gt;  f:       all f send −1                                   (V = s − f)
 *   s &lt; −f:       all f send +1                                   (V = s + f)
 *   0 ≤ s ≤ f:     s send −1; the other f − s alternate −1, +1, …   (V = −((f − s) mod 2))
 *   −f ≤ s &lt; 0:   |s| send +1; the other f − |s| alternate +1, −1, … (V = +((f + s) mod 2))
 * </pre>
 * The code version uses s workers, not the paper text's f − s (discrepancy 1). At s = 0 the paper starts the
 * alternation with −1 ({@code start: minus}, the default); the code's masks overwrite that with +1
 * ({@code start: plus}) (discrepancy 2).
 */
public final class Zeroing implements Attack {
  public static final String NAME = "zeroing";
  private static final AttackInfo INFO = new AttackInfo(NAME, ThreatModel.OMNISCIENT, Set.of(MessageKind.SIGN));

  /** The first alternating sign when the honest sum is exactly 0. */
  public enum Start {
    MINUS,
    PLUS;

    static Start parse(String s) {
      return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
  }

  private final Start start;

  public Zeroing(Start start) {
    this.start = start;
  }

  @Override
  public AttackInfo info() {
    return INFO;
  }

  @Override
  public List<Message> forge(AttackView view) {
    Forging.requireKind(NAME, view, MessageKind.SIGN);
    int f = view.byzantine();
    int d = view.dimension();
    VoteTally honest = new VoteTally(d);
    for (Message m : view.honestMessages(NAME)) {
      honest.add(((SignMessage) m).signs());
    }
    int[] s = honest.count() == 0 ? new int[d] : honest.sums();
    int[][] sent = new int[f][d];
    for (int i = 0; i < d; i++) {
      for (int k = 0; k < f; k++) {
        sent[k][i] = signOfByzantine(k, s[i], f);
      }
    }
    List<Message> out = new ArrayList<>(f);
    for (int k = 0; k < f; k++) {
      out.add(new SignMessage(view.own().get(k).worker(), SignVector.ofSigns(sent[k])));
    }
    return out;
  }

  /** The sign Byzantine worker number k (0-based) sends on a coordinate whose honest sum is s. */
  int signOfByzantine(int k, int s, int f) {
    if (s > f) {
      return -1;
    }
    if (s < -f) {
      return 1;
    }
    boolean minusCase = s > 0 || (s == 0 && start == Start.MINUS);
    int pinned = Math.abs(s);
    if (minusCase) {
      return k < pinned ? -1 : ((k - pinned) % 2 == 0 ? -1 : 1);
    }
    return k < pinned ? 1 : ((k - pinned) % 2 == 0 ? 1 : -1);
  }
}
