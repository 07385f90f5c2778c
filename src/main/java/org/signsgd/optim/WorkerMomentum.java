package org.signsgd.optim;

/**
 * Worker momentum of Signum: v ← β v + (1 − β) g, with v₀ = 0 and no bias correction (Bernstein et al. 2018,
 * Algorithm 2; Akoun and Meyer 2022, Algorithm 1, step 1). β = 0 makes v the raw gradient (signSGD).
 * The placement is at the worker, on raw gradients, before the sign, as in those algorithms and their code.
 */
public final class WorkerMomentum {
  private WorkerMomentum() {}

  /** Signum's form, v ← βv + (1 − β)g: {@link #accumulate(float[], float[], double, double)} with δ = β. */
  public static float[] accumulate(float[] v, float[] gradient, double beta) {
    return accumulate(v, gradient, beta, beta);
  }

  /**
   * v ← βv + (1 − δ)g in place (PyTorch's and seed 003's momentum with dampening δ; δ = β is Signum's, δ = 0 is
   * El Mhamdi et al. 2021's, "Distributed Momentum for Byzantine-resilient SGD", ICLR 2021); returns v.
   */
  public static float[] accumulate(float[] v, float[] gradient, double beta, double dampening) {
    if (!(beta >= 0 && beta < 1)) {
      throw new IllegalArgumentException("momentum: beta is " + beta + "; allowed: 0 <= beta < 1");
    }
    if (gradient.length != v.length) {
      throw new IllegalArgumentException("momentum: gradient has d=" + gradient.length + "; expected d="
          + v.length + " like the momentum buffer");
    }
    // in float, like the papers' PyTorch buffers (and a loop the JIT vectorises); Java float arithmetic is
    // strict, so every JVM gives the same bits
    float b = (float) beta;
    float c = (float) (1 - dampening);
    for (int i = 0; i < v.length; i++) {
      v[i] = b * v[i] + c * gradient[i];
    }
    return v;
  }
}
