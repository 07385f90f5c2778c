package org.signsgd.attack;

import java.util.List;
import java.util.random.RandomGenerator;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;
import org.signsgd.message.SignMessage;
import org.signsgd.vote.SignVector;

/**
 * Gaussian noise: each Byzantine worker sends b_k ~ N(μ₀, σ₀²) i.i.d. per coordinate (blind; ByzFL's Gaussian
 * attack and defaults μ₀ = 0, σ₀ = 1). On a sign run it sends sign(b) (the Gaussian attack of Park and Lee,
 * "SignSGD with Federated Defense", ICML 2024, in their code {@code gauss}).
 */
public final class Gaussian implements Attack {
  public static final String NAME = "gaussian";
  private static final AttackInfo INFO = AttackInfo.blindBoth(NAME);
  private final double mean;
  private final double std;

  public Gaussian(double mean, double std) {
    this.mean = mean;
    this.std = std;
  }

  @Override
  public AttackInfo info() {
    return INFO;
  }

  @Override
  public List<Message> forge(AttackView view) {
    return Forging.perWorker(view, (worker, k) -> {
      RandomGenerator rng = view.rng(worker);
      float[] b = new float[view.dimension()];
      for (int i = 0; i < b.length; i++) {
        b[i] = (float) rng.nextGaussian(mean, std);
      }
      if (view.kind() == MessageKind.DENSE) {
        return new DenseMessage(worker, b);
      }
      return new SignMessage(worker, SignVector.pack(b, view.encoding(), rng));
    });
  }
}
