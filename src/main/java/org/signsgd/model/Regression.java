package org.signsgd.model;

import org.signsgd.data.Shards;
import org.signsgd.data.SyntheticRegression;

/**
 * The plain linear and logistic models for Akoun and Meyer's regression experiments (analytic baselines: their code's
 * LinRegNet / LogRegNet without the hidden layer), with exact gradients. Parameters: 20 weights then a bias (d = 21).
 * <pre>
 *   linear:    f(w) = (1/N) Σ (wᵀx_i + b − y_i)²                 (PyTorch MSELoss, as the seed's code)
 *              ∇f   = (2/N) Σ (wᵀx_i + b − y_i) (x_i, 1)
 *   logistic:  f(w) = (1/N) Σ [log(1 + e^{z_i}) − y_i z_i],  z_i = wᵀx_i + b   (binary cross-entropy)
 *              ∇f   = (1/N) Σ (σ(z_i) − y_i) (x_i, 1)
 * </pre>
 */
public final class Regression implements GradientModel {
  private final SyntheticRegression.Kind kind;
  private final SyntheticRegression data;
  private final Shards shards;

  public Regression(SyntheticRegression.Kind kind, SyntheticRegression data, Shards shards) {
    this.kind = kind;
    this.data = data;
    this.shards = shards;
  }

  public SyntheticRegression data() {
    return data;
  }

  @Override
  public String name() {
    return kind == SyntheticRegression.Kind.LINEAR ? "linear" : "logistic";
  }

  @Override
  public int dimension() {
    return SyntheticRegression.FEATURES + 1;
  }

  @Override
  public float[] initialParameters() {
    return new float[dimension()];
  }

  @Override
  public double loss(float[] w) {
    return lossOn(w, data.trainFeatures(), data.trainLabels());
  }

  @Override
  public float[] exactGradient(float[] w) {
    float[][] x = data.trainFeatures();
    int[] all = new int[x.length];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    float[] out = new float[dimension()];
    gradientOn(w, all, out, false);
    return out;
  }

  @Override
  public double stochasticGradient(float[] w, int batchSize, long iteration, int worker, float[] out) {
    gradientOn(w, shards.batch(worker, iteration, batchSize), out, false);
    return Double.NaN;
  }

  /** Logistic regression's labels flip 0 ↔ 1 (C = 2). */
  @Override
  public double stochasticGradient(float[] w, int batchSize, long iteration, int worker, float[] out,
      boolean flipLabels) {
    if (flipLabels && !hasClassLabels()) {
      throw new IllegalArgumentException(name() + " has no class labels to flip");
    }
    gradientOn(w, shards.batch(worker, iteration, batchSize), out, flipLabels);
    return Double.NaN;
  }

  @Override
  public boolean hasClassLabels() {
    return kind == SyntheticRegression.Kind.LOGISTIC;
  }

  @Override
  public Evaluation evaluate(float[] w) {
    float[][] x = data.testFeatures();
    float[] y = data.testLabels();
    double loss = lossOn(w, x, y);
    if (kind == SyntheticRegression.Kind.LINEAR) {
      return new Evaluation(loss, Double.NaN);
    }
    int right = 0;
    for (int i = 0; i < x.length; i++) {
      right += (score(w, x[i]) > 0 ? 1 : 0) == (int) y[i] ? 1 : 0;
    }
    return new Evaluation(loss, (double) right / x.length);
  }

  private double lossOn(float[] w, float[][] x, float[] y) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double z = score(w, x[i]);
      s += kind == SyntheticRegression.Kind.LINEAR ? (z - y[i]) * (z - y[i]) : softplus(z) - y[i] * z;
    }
    return s / x.length;
  }

  private void gradientOn(float[] w, int[] rows, float[] out, boolean flip) {
    float[][] x = data.trainFeatures();
    float[] y = data.trainLabels();
    double[] g = new double[dimension()];
    for (int i : rows) {
      double z = score(w, x[i]);
      double yi = flip ? 1 - y[i] : y[i];
      double r = kind == SyntheticRegression.Kind.LINEAR ? 2 * (z - yi) : sigmoid(z) - yi;
      for (int j = 0; j < SyntheticRegression.FEATURES; j++) {
        g[j] += r * x[i][j];
      }
      g[SyntheticRegression.FEATURES] += r;
    }
    for (int j = 0; j < g.length; j++) {
      out[j] = (float) (g[j] / rows.length);
    }
  }

  static double score(float[] w, float[] xi) {
    double z = w[SyntheticRegression.FEATURES];
    for (int j = 0; j < SyntheticRegression.FEATURES; j++) {
      z += (double) w[j] * xi[j];
    }
    return z;
  }

  static double sigmoid(double z) {
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }

  /** log(1 + e^z) without overflow. */
  static double softplus(double z) {
    return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
  }
}
