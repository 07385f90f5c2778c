package org.signsgd.server;

/**
 * The gradient a worker sampled, recovered from its consecutive momentum vectors: with v_t = β·v_{t−1} + (1 − δ)·g_t,
 * g_t = (v_t − β·v_{t−1}) / (1 − δ) (El Mhamdi, Guerraoui, Rouault, ICLR 2021, measure the variance-norm ratio
 * "as sampled", before momentum). Exact up to the float rounding of v_t; one formula for the driver, which keeps
 * each worker's last message, and for the worker itself, so both give the same bits.
 */
public final class SampledGradient {
  private SampledGradient() {}

  /** @param before v_{t−1}, null at t = 0 (v_{−1} = 0) */
  public static float[] recover(float[] now, float[] before, double beta, double dampening) {
    float b = (float) beta;
    double c = (float) (1 - dampening);
    float[] g = new float[now.length];
    for (int i = 0; i < g.length; i++) {
      g[i] = (float) (((double) now[i] - (before == null ? 0f : b * before[i])) / c);
    }
    return g;
  }
}
