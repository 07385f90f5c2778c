package org.signsgd.attack;

import java.util.List;
import java.util.random.RandomGenerator;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;
import org.signsgd.message.SignMessage;
import org.signsgd.vote.SignVector;

/**
 * Stochastic sign flip attack, SSFA(r) (Park and Lee, "SignSGD with Federated Defense", ICML 2024; their code's
 * {@code attack()} with {@code attack_prob}):
 * each Byzantine worker sends its own sign with every coordinate flipped independently with probability r:
 * sent_n = sign(g_n)·(2·1[U_n > r] − 1), U_n ~ U[0, 1) from the stream (seed, iteration, worker, ATTACK). r = 1 is the
 * sign inversion attack; r = 1/2 is, in distribution, random signs (the paper's worst case for FD). Dense messages:
 * g_n·(±1) with the same draws.
 */
public final class StochasticSignFlip implements Attack {
  public static final String NAME = "stochastic-sign-flip";
  private static final AttackInfo INFO = AttackInfo.blindBoth(NAME);
  private final double r;

  public StochasticSignFlip(double r) {
    if (!(r >= 0 && r <= 1)) {
      throw new IllegalArgumentException(NAME + ": r is " + r + "; allowed: 0 <= r <= 1");
    }
    this.r = r;
  }

  @Override
  public AttackInfo info() {
    return INFO;
  }

  /** s with coordinate n flipped where the n-th draw U_n ≤ r (zeros stay zero). */
  static SignVector flip(SignVector v, java.util.function.DoubleSupplier u, double r) {
    int d = v.dimension();
    long[] neg = new long[v.wordCount()];
    long[] zero = new long[v.wordCount()];
    for (int w = 0; w < neg.length; w++) {
      long flip = 0;
      for (int b = 0; b < 64 && (w << 6) + b < d; b++) {
        if (u.getAsDouble() <= r) {
          flip |= 1L << b;
        }
      }
      zero[w] = v.zeroWord(w);
      neg[w] = v.negativeWord(w) ^ (flip & ~zero[w]);
    }
    return SignVector.fromWords(d, neg, zero);
  }

  @Override
  public List<Message> forge(AttackView view) {
    return Forging.perWorker(view, (worker, k) -> {
      Message own = view.own().get(k);
      RandomGenerator rng = view.rng(worker);
      int d = view.dimension();
      if (own instanceof SignMessage s) {
        return new SignMessage(worker, flip(s.signs(), rng::nextDouble, r));
      }
      float[] g = ((DenseMessage) own).values().clone();
      for (int i = 0; i < d; i++) {
        if (rng.nextDouble() <= r) {
          g[i] = -g[i];
        }
      }
      return new DenseMessage(worker, g);
    });
  }
}
