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
 * {@code identical.py}; ByzFL maximises its square root, the same arg-max). Not coordinate-wise: on whole vectors
 * {@link #forge} tries the rule itself; chunk by chunk the server tries it ({@link SearchingAttack}), base and v being
 * coordinate-wise. The factor found and the budget spent are {@link #lastSearch()}.
 */
abstract class FactorSearchAttack implements Attack, SearchingAttack {
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

  /**
   * The vector the factor scales (before the direction's sign), over the coordinates of h, which lie at {@code from}
   * onwards in d = {@code dimension}.
   */
  abstract double[] deviation(double[][] h, double[] mu, int from, int dimension);

  @Override
  public final boolean coordinateWise() {
    return false;
  }

  @Override
  public final SearchingAttack searching() {
    return this;
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
    double[] v = signed(deviation(h, mu, 0, mu.length));
    double tau = LineMaximize.argMax(t -> {
      float[] agg = view.aggregateWith(name(), copies(view, candidate(base, v, t)));
      return squaredDistance(agg, mu);
    }, evaluations, step);
    last = new AttackSearch(tau, evaluations);
    return Forging.allSend(view, candidate(base, v, tau));
  }

  @Override
  public final int evaluations() {
    return evaluations;
  }

  @Override
  public final List<Message> candidate(AttackView view, int from, int dimension, double tau) {
    Forging.requireKind(name(), view, MessageKind.DENSE);
    double[][] h = HonestStats.rows(view.honestMessages(name()));
    if (view.byzantine() == 0) {
      return List.of();
    }
    double[] mu = HonestStats.mean(h);
    return Forging.allSend(view, candidate(base(h, mu), signed(deviation(h, mu, from, dimension)), tau));
  }

  @Override
  public final double objective(AttackView view, float[] aggregate) {
    return squaredDistance(aggregate, HonestStats.mean(HonestStats.rows(view.honestMessages(name()))));
  }

  @Override
  public final double proposal(double[] values) {
    return LineMaximize.next(values, evaluations, step);
  }

  @Override
  public final double found(double[] values) {
    if (values == null) {
      last = null;
      return 0;
    }
    double tau = LineMaximize.best(values, evaluations, step);
    last = new AttackSearch(tau, evaluations);
    return tau;
  }

  private double[] signed(double[] v) {
    for (int k = 0; k < v.length; k++) {
      v[k] *= direction.sign();
    }
    return v;
  }

  private static double squaredDistance(float[] agg, double[] mu) {
    double s = 0;
    for (int k = 0; k < mu.length; k++) {
      double e = agg[k] - mu[k];
      s += e * e;
    }
    return s;
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
