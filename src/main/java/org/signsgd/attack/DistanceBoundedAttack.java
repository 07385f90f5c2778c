package org.signsgd.attack;

import java.util.List;
import java.util.Locale;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;

/**
 * The AGR-agnostic attacks of Shejwalkar and Houmansadr, "Manipulating the Byzantine: Optimizing Model Poisoning
 * Attacks and Defenses for Federated Learning", NDSS 2021, the AGR-agnostic min-max and min-sum: every Byzantine worker sends
 * b = μ + γ·∇p, ∇p a fixed perturbation of the honest mean μ, with the largest γ that keeps b's distances to the honest
 * vectors within those of the honest vectors among themselves ({@link #admits}). γ is found by the authors' search: γ
 * starts at {@code gamma} (10), and with a step starting at γ and halved each time, γ goes up by half the step when b
 * is admitted (and is remembered) and down when not, until the remembered γ and the tried one differ by at most 1e-5;
 * the last admitted γ is sent (0 when none was). The rule is not tried: the attacks are agnostic of it. Whole vectors
 * only. See docs/attacks.md.
 */
abstract class DistanceBoundedAttack implements Attack {
  static final double TOLERANCE = 1e-5;

  /** The perturbation ∇p: −μ/‖μ‖, −σ (unbiased std of the honest vectors) or −sign(μ). */
  public enum Deviation {
    UNIT_VEC,
    STD,
    SIGN;

    static Deviation parse(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
  }

  private final Deviation deviation;
  private final double gamma;
  private AttackSearch last;

  DistanceBoundedAttack(Deviation deviation, double gamma) {
    this.deviation = deviation;
    this.gamma = gamma;
  }

  /**
   * True when the squared distances {@code toHonest} of a candidate b to the honest vectors stay within the bound that
   * the honest vectors' pairwise squared distances {@code pairwise} set.
   */
  abstract boolean admits(double[] toHonest, double[][] pairwise);

  @Override
  public final boolean coordinateWise() {
    return false;
  }

  @Override
  public final AttackSearch lastSearch() {
    return last;
  }

  /** ∇p over the honest rows (null when it is the zero vector: there is no direction to push). */
  double[] perturbation(double[][] h, double[] mu) {
    double[] p = switch (deviation) {
      case UNIT_VEC -> {
        double norm = 0;
        for (double m : mu) {
          norm += m * m;
        }
        norm = Math.sqrt(norm);
        double[] u = new double[mu.length];
        for (int k = 0; k < u.length && norm > 0; k++) {
          u[k] = -mu[k] / norm;
        }
        yield u;
      }
      case STD -> {
        double[] s = HonestStats.std(h, mu);
        for (int k = 0; k < s.length; k++) {
          s[k] = -s[k];
        }
        yield s;
      }
      case SIGN -> {
        double[] s = new double[mu.length];
        for (int k = 0; k < s.length; k++) {
          s[k] = -Math.signum(mu[k]);
        }
        yield s;
      }
    };
    for (double x : p) {
      if (x != 0) {
        return p;
      }
    }
    return null;
  }

  /** The γ sent and the candidates tried, on honest rows h. */
  AttackSearch search(double[][] h, double[] mu, double[] p) {
    double[][] pairwise = new double[h.length][h.length];
    for (int i = 0; i < h.length; i++) {
      for (int j = i + 1; j < h.length; j++) {
        pairwise[i][j] = squaredDistance(h[i], h[j]);
        pairwise[j][i] = pairwise[i][j];
      }
    }
    double tried = gamma;
    double step = gamma;
    double admitted = 0;
    int evaluations = 0;
    double[] b = new double[mu.length];
    double[] toHonest = new double[h.length];
    // the authors' bisection stops at |admitted − tried| ≤ 1e-5; at a γ above ~1e10 that gap is below one double's
    // spacing, so it also stops once the step no longer moves γ (without it, a large gamma would spin forever)
    while (Math.abs(admitted - tried) > TOLERANCE && step / 2 >= Math.ulp(tried)) {
      for (int k = 0; k < b.length; k++) {
        b[k] = mu[k] + tried * p[k];
      }
      for (int i = 0; i < h.length; i++) {
        toHonest[i] = squaredDistance(b, h[i]);
      }
      evaluations++;
      if (admits(toHonest, pairwise)) {
        admitted = tried;
        tried += step / 2;
      } else {
        tried -= step / 2;
      }
      step /= 2;
    }
    return new AttackSearch(admitted, evaluations);
  }

  @Override
  public final List<Message> forge(AttackView view) {
    Forging.requireKind(name(), view, MessageKind.DENSE);
    double[][] h = HonestStats.rows(view.honestMessages(name()));
    if (view.byzantine() == 0) {
      last = null;
      return List.of();
    }
    double[] mu = HonestStats.mean(h);
    double[] p = perturbation(h, mu);
    if (p == null) {
      last = new AttackSearch(0, 0);
      return Forging.allSend(view, HonestStats.toFloats(mu));
    }
    last = search(h, mu, p);
    float[] b = new float[mu.length];
    for (int k = 0; k < b.length; k++) {
      b[k] = (float) (mu[k] + last.factor() * p[k]);
    }
    return Forging.allSend(view, b);
  }

  static double squaredDistance(double[] a, double[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      double e = a[k] - b[k];
      s += e * e;
    }
    return s;
  }
}
