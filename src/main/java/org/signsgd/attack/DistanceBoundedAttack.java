package org.signsgd.attack;

import java.io.Serializable;
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
 * the last admitted γ is sent (0 when none was). The rule is not tried: the attacks are agnostic of it.
 *
 * <p>Every distance the search compares is a sum over coordinates, and so is each candidate's: with b = μ + γ·p,
 * ‖b − x_i‖² = ‖μ − x_i‖² + 2γ·⟨μ − x_i, p⟩ + γ²·‖p‖². So the attack runs chunk by chunk ({@link ChunkedAttack}): one
 * pass in which every chunk gives ‖μ − x_i‖², ⟨μ − x_i, p'⟩ for each honest i, ‖p'‖² and the honest pairwise
 * ‖x_i − x_j‖² over its coordinates (p' = −σ, −sign(μ) or −μ, which the unit vector's 1/‖μ‖ scales once ‖μ‖ is
 * known), the search on the driver over those sums, and every chunk forging its coordinates of b. See
 * docs/attacks.md.
 */
abstract class DistanceBoundedAttack implements Attack, ChunkedAttack {
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

  /**
   * What the driver decided, for the chunks: every Byzantine worker sends μ + gamma·(p' / scale) over each chunk
   * (scale ‖μ‖ for the unit vector, else 1).
   */
  record Decision(double gamma, double scale) implements Serializable {}

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
  public final ChunkedAttack chunked() {
    return this;
  }

  @Override
  public final AttackSearch lastSearch() {
    return last;
  }

  @Override
  public final List<Message> forge(AttackView view) {
    return ChunkedAttack.forgeWhole(this, view);
  }

  /** One pass: any decision is the one the chunks forge with. */
  @Override
  public final boolean ready(Serializable decided) {
    return decided != null;
  }

  /**
   * Over the chunk, for the h honest rows x_i: ‖μ − x_i‖² (h sums), ⟨μ − x_i, p'⟩ (h sums), ‖p'‖², then ‖x_i − x_j‖²
   * for i &lt; j in row order; nothing when no Byzantine worker sends.
   */
  @Override
  public final double[] partial(AttackView view, Serializable decided) {
    Forging.requireKind(name(), view, MessageKind.DENSE);
    if (view.byzantine() == 0) {
      return new double[0];
    }
    double[][] h = honestRows(view);
    double[] mu = HonestStats.mean(h);
    double[] p = unscaled(h, mu);
    int n = h.length;
    double[] out = new double[2 * n + 1 + n * (n - 1) / 2];
    for (int i = 0; i < n; i++) {
      double toMean = 0;
      double along = 0;
      for (int k = 0; k < mu.length; k++) {
        double e = mu[k] - h[i][k];
        toMean += e * e;
        along += e * p[k];
      }
      out[i] = toMean;
      out[n + i] = along;
    }
    double norm = 0;
    for (double v : p) {
      norm += v * v;
    }
    out[2 * n] = norm;
    int at = 2 * n + 1;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        out[at++] = squaredDistance(h[i], h[j]);
      }
    }
    return out;
  }

  /** The search over the sums of every chunk; the driver's instance keeps what it found. */
  @Override
  public final Serializable decide(double[] sums, Serializable decided) {
    if (sums.length == 0) { // no Byzantine worker sends: the chunks forge nothing
      last = null;
      return new Decision(0, 1);
    }
    // sums.length = 2h + 1 + h(h − 1)/2
    int n = (int) Math.round((Math.sqrt(1 + 8.0 * sums.length) - 3) / 2);
    if (2 * n + 1 + n * (n - 1) / 2 != sums.length) {
      throw new IllegalStateException(name() + ": " + sums.length + " partial sums are not those of any number of "
          + "honest vectors");
    }
    double norm = sums[2 * n];
    if (norm == 0) { // p is the zero vector: there is no direction to push, b = μ
      last = new AttackSearch(0, 0);
      return new Decision(0, 1);
    }
    double scale = deviation == Deviation.UNIT_VEC ? Math.sqrt(norm) : 1;
    double[] toMean = java.util.Arrays.copyOfRange(sums, 0, n);
    double[] along = new double[n];
    for (int i = 0; i < n; i++) {
      along[i] = sums[n + i] / scale;
    }
    double[][] pairwise = new double[n][n];
    int at = 2 * n + 1;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        pairwise[i][j] = sums[at++];
        pairwise[j][i] = pairwise[i][j];
      }
    }
    last = search(toMean, along, norm / (scale * scale), pairwise);
    return new Decision(last.factor(), scale);
  }

  /** Each Byzantine worker's coordinates of b = μ + γ·p over the chunk. */
  @Override
  public final List<Message> finish(AttackView view, Serializable decided) {
    Forging.requireKind(name(), view, MessageKind.DENSE);
    if (view.byzantine() == 0) {
      return List.of();
    }
    Decision d = (Decision) decided;
    double[][] h = honestRows(view);
    double[] mu = HonestStats.mean(h);
    double[] p = unscaled(h, mu);
    float[] b = new float[mu.length];
    for (int k = 0; k < b.length; k++) {
      b[k] = (float) (mu[k] + d.gamma() * (p[k] / d.scale()));
    }
    return Forging.allSend(view, b);
  }

  private double[][] honestRows(AttackView view) {
    double[][] h = HonestStats.rows(view.honestMessages(name()));
    if (h.length == 0) {
      throw new IllegalStateException(name() + ": no honest message reached the attack at iteration "
          + view.iteration() + "; it bounds its vector by the honest ones");
    }
    return h;
  }

  /** ∇p before the unit vector's scaling: −μ (unit-vec), −σ (std) or −sign(μ) (sign), coordinate by coordinate. */
  private double[] unscaled(double[][] h, double[] mu) {
    return switch (deviation) {
      case UNIT_VEC -> {
        double[] u = new double[mu.length];
        for (int k = 0; k < u.length; k++) {
          u[k] = -mu[k];
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
  }

  /**
   * The γ sent and the candidates tried: the candidate's squared distance to honest vector i is
   * {@code toMean[i] + 2γ·along[i] + γ²·norm} (‖μ − x_i‖², ⟨μ − x_i, p⟩, ‖p‖²), bounded as {@link #admits} says by the
   * honest {@code pairwise} squared distances.
   */
  AttackSearch search(double[] toMean, double[] along, double norm, double[][] pairwise) {
    double tried = gamma;
    double step = gamma;
    double admitted = 0;
    int evaluations = 0;
    double[] toHonest = new double[toMean.length];
    // the authors' bisection stops at |admitted − tried| ≤ 1e-5; at a γ above ~1e10 that gap is below one double's
    // spacing, so it also stops once the step no longer moves γ (without it, a large gamma would spin forever)
    while (Math.abs(admitted - tried) > TOLERANCE && step / 2 >= Math.ulp(tried)) {
      for (int i = 0; i < toHonest.length; i++) {
        toHonest[i] = toMean[i] + 2 * tried * along[i] + tried * tried * norm;
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

  static double squaredDistance(double[] a, double[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      double e = a[k] - b[k];
      s += e * e;
    }
    return s;
  }
}
