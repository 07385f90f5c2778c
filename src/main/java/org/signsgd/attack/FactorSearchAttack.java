package org.signsgd.attack;

import java.util.ArrayList;
import java.util.List;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;

/**
 * An optimising attack: every Byzantine worker sends b(τ) = base + τ·s·v (s = ±1 the direction), τ ≥ 0 chosen by
 * {@link LineMaximize} to maximise ‖F(honest, b(τ), …, b(τ)) − μ‖², F the run's rule tried through
 * {@link AttackView#aggregateWith} and μ the honest mean (the squared distance of ByzantineMomentum's
 * {@code identical.py}; ByzFL maximises its square root, the same arg-max). Whole vectors only (not coordinate-wise).
 * The factor found and the budget spent are {@link #lastSearch()}.
 */
abstract class FactorSearchAttack implements Attack {
  private final int evaluations;
  private final double step;
  private final AttackDirection direction;
  private AttackSearch last;

  FactorSearchAttack(int evaluations, double step, AttackDirection direction) {
    if (evaluations < 1) {
      throw new IllegalArgumentException(name() + ": evaluations is " + evaluations + "; allowed: >= 1");
    }
    this.evaluations = evaluations;
    this.step = step;
    this.direction = direction;
  }

  /** The point the search starts from (τ = 0), over the honest rows h with mean mu. */
  abstract double[] base(double[][] h, double[] mu);

  /** The vector the factor scales (before the direction's sign). */
  abstract double[] deviation(double[][] h, double[] mu);

  @Override
  public final boolean coordinateWise() {
    return false;
  }

  @Override
  public final AttackSearch lastSearch() {
    return last;
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
    double[] base = base(h, mu);
    double[] v = deviation(h, mu);
    for (int k = 0; k < v.length; k++) {
      v[k] *= direction.sign();
    }
    double tau = LineMaximize.argMax(t -> {
      float[] agg = view.aggregateWith(name(), copies(view, candidate(base, v, t)));
      double s = 0;
      for (int k = 0; k < mu.length; k++) {
        double e = agg[k] - mu[k];
        s += e * e;
      }
      return s;
    }, evaluations, step);
    last = new AttackSearch(tau, evaluations);
    return Forging.allSend(view, candidate(base, v, tau));
  }

  static float[] candidate(double[] base, double[] v, double tau) {
    float[] b = new float[base.length];
    for (int k = 0; k < b.length; k++) {
      b[k] = (float) (base[k] + tau * v[k]);
    }
    return b;
  }

  private static List<Message> copies(AttackView view, float[] b) {
    List<Message> out = new ArrayList<>(view.byzantine());
    for (Message m : view.own()) {
      out.add(new DenseMessage(m.worker(), b));
    }
    return out;
  }
}
