package org.signsgd.optim;

import org.signsgd.aggregate.Direction;

/**
 * Momentum at the server (El Mhamdi, Guerraoui, Rouault, "Distributed Momentum for Byzantine-resilient Stochastic
 * Gradient Descent", ICLR 2021, the paper's "standard formulation"): a_t = F(received vectors),
 * v_t = βv_{t−1} + (1 − δ)a_t, v_{−1} = 0, and the step follows v_t. The direction sent down becomes the dense v_t.
 * Stateful: one object per run, saved with the run's resume points.
 */
public final class ServerMomentum {
  private final double beta;
  private final double dampening;
  private float[] v;

  public ServerMomentum(double beta, double dampening) {
    this.beta = beta;
    this.dampening = dampening;
  }

  /** The direction to apply after this round's aggregate {@code a}. */
  public Direction apply(Direction a) {
    float[] x = a.toFloats();
    if (v == null) {
      v = new float[x.length];
    }
    WorkerMomentum.accumulate(v, x, beta, dampening);
    return new Direction.Dense(v.clone());
  }

  /** The buffer, for a resume point (null before the first round). */
  public float[] state() {
    return v == null ? null : v.clone();
  }

  public void restore(float[] state) {
    v = state == null ? null : state.clone();
  }
}
