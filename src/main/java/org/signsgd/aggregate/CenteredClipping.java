package org.signsgd.aggregate;

import java.util.List;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;

/**
 * Centered clipping (Karimireddy, He, Jaggi, "Learning from History for Byzantine Robust Optimization",
 * ICML 2021, §4, the rule "CC"), L times:
 * v ← v + (1/n) Σ_i (x_i − v) · min(1, τ / ‖x_i − v‖) (factor 1 at distance 0; a non-finite row is skipped).
 * Stateful: v starts from the previous round's output (0 at the first); EPFML and ByzFL: L = 1; τ = 100 by
 * default (ByzFL). One object per run: the state belongs to that run. The centre is per coordinate, so the server
 * keeps it chunk by chunk ({@link ChunkStatefulRule}), with one pass of per-chunk squared distances for each of the
 * L clipping steps.
 * <p>The math and a worked example: docs/aggregators.md#centered-clipping.
 */
public final class CenteredClipping extends DenseRule implements ChunkStatefulRule {
  public static final String NAME = "centered-clipping";

  private final double tau;
  private final int iterations;
  private double[] v;

  public CenteredClipping(double tau, int iterations) {
    this.tau = tau;
    this.iterations = iterations;
  }

  @Override
  public boolean stateful() {
    return true;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean shardable() {
    return true;
  }

  @Override
  public ChunkStatefulRule chunkStateful() {
    return this;
  }

  /** The clipping scales decided so far, one array per step (NaN: a non-finite row, skipped). */
  private record Steps(double[][] scales) implements java.io.Serializable {}

  @Override
  public java.io.Serializable shared(int workers, int d) {
    return new Steps(new double[0][]);
  }

  @Override
  public int passes() {
    return iterations;
  }

  /** ‖x_i − c‖² over the chunk, c this step's centre. */
  @Override
  public double[] partial(int pass, List<Message> messages, int f, java.io.Serializable decided,
      java.io.Serializable state) {
    return partialRows(pass, DenseMessage.rows(messages), f, decided, state);
  }

  @Override
  public double[] partialRows(int pass, double[][] x, int f, java.io.Serializable decided,
      java.io.Serializable state) {
    double[] c = centre(x, (double[]) state, ((Steps) decided).scales());
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double s = 0;
      for (int k = 0; k < c.length; k++) {
        double e = x[i][k] - c[k];
        s += e * e;
      }
      out[i] = s;
    }
    return out;
  }

  /** min(1, τ / ‖x_i − c‖) (1 at distance 0; NaN for a non-finite row, which is skipped). */
  @Override
  public java.io.Serializable decide(int pass, double[] sums, int n, int f, java.io.Serializable decided) {
    double[][] before = ((Steps) decided).scales();
    double[][] scales = java.util.Arrays.copyOf(before, before.length + 1);
    double[] step = new double[n];
    for (int i = 0; i < n; i++) {
      double norm = Math.sqrt(sums[i]);
      step[i] = !Double.isFinite(norm) ? Double.NaN : norm == 0 ? 1 : Math.min(1, tau / norm);
    }
    scales[before.length] = step;
    return new Steps(scales);
  }

  /** The chunk's centre after the L steps: its part of the direction, and its state for the next round. */
  @Override
  public Finished finish(List<Message> messages, int workers, int f, java.io.Serializable decided,
      java.io.Serializable state, int length) {
    return finishRows(DenseMessage.rows(messages), workers, f, decided, state, length);
  }

  @Override
  public Finished finishRows(double[][] x, int workers, int f, java.io.Serializable decided,
      java.io.Serializable state, int length) {
    double[] c = centre(x, (double[]) state, ((Steps) decided).scales());
    float[] out = new float[c.length];
    for (int k = 0; k < c.length; k++) {
      out[k] = (float) c[k];
    }
    return new Finished(new Direction.Dense(out), c, new double[0]);
  }

  @Override
  public void advance(double[] sums, int d) {
    // the centre lives in the chunks
  }

  /** c after the given steps from v (0 at the first round): c ← c + (1/n) Σ_i (x_i − c)·scale_i. */
  private static double[] centre(double[][] x, double[] v, double[][] scales) {
    int d = x[0].length;
    double[] c = v == null || v.length != d ? new double[d] : v.clone();
    for (double[] scale : scales) {
      double[] step = new double[d];
      for (int i = 0; i < x.length; i++) {
        if (Double.isNaN(scale[i])) {
          continue;
        }
        for (int k = 0; k < d; k++) {
          step[k] += (x[i][k] - c[k]) * scale[i];
        }
      }
      for (int k = 0; k < d; k++) {
        c[k] += step[k] / x.length;
      }
    }
    return c;
  }

  @Override
  public double[] combine(double[][] x, int f) {
    int d = x[0].length;
    double[] c = v == null || v.length != d ? new double[d] : v.clone();
    for (int l = 0; l < iterations; l++) {
      double[] step = new double[d];
      for (double[] xi : x) {
        double s = 0;
        for (int k = 0; k < d; k++) {
          double e = xi[k] - c[k];
          s += e * e;
        }
        double norm = Math.sqrt(s);
        if (!Double.isFinite(norm)) {
          continue;
        }
        double scale = norm == 0 ? 1 : Math.min(1, tau / norm);
        for (int k = 0; k < d; k++) {
          step[k] += (xi[k] - c[k]) * scale;
        }
      }
      for (int k = 0; k < d; k++) {
        c[k] += step[k] / x.length;
      }
    }
    v = c.clone();
    return c;
  }

  /** Sets v before the next round (tests; a resumed run). */
  void start(double[] v0) {
    this.v = v0.clone();
  }

  @Override
  public java.io.Serializable state() {
    return v == null ? null : v.clone();
  }

  @Override
  public void restoreState(java.io.Serializable state) {
    v = state == null ? null : ((double[]) state).clone();
  }
}
