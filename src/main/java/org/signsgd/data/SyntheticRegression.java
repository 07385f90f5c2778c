package org.signsgd.data;

import java.io.Serializable;
import java.util.random.RandomGenerator;
import org.signsgd.rng.SeedStreams;

/**
 * The synthetic regression data of Akoun and Meyer's code ({@code src/datasets/reg_datasets.py}, {@code simu_linreg} /
 * {@code simu_logreg}): 20 features, 10,000 samples, features X ~ N(0, Σ) with Toeplitz Σ_ij = 0.3^|i−j|, true weights
 * w₀ ~ N(2, 1) per coordinate; linear y = X w₀ + 0.5 ε, logistic y ~ Bernoulli(σ(X w₀)). The first 80 % train, the last
 * 20 % test; features (and the linear label) standardised with the training mean and std. The code also standardises
 * the logistic label, a quirk not followed: here it stays in {0, 1}, as a logistic label must. Everything is drawn from
 * the job seed.
 */
public final class SyntheticRegression implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final int FEATURES = 20;
  public static final int SAMPLES = 10_000;
  public static final double TRAIN_FRACTION = 0.8;

  /** Which response. */
  public enum Kind {
    LINEAR,
    LOGISTIC
  }

  private final float[][] trainX;
  private final float[] trainY;
  private final float[][] testX;
  private final float[] testY;

  private SyntheticRegression(float[][] trainX, float[] trainY, float[][] testX, float[] testY) {
    this.trainX = trainX;
    this.trainY = trainY;
    this.testX = testX;
    this.testY = testY;
  }

  public static SyntheticRegression generate(Kind kind, int samples, long seed) {
    RandomGenerator rng = SeedStreams.of(seed, 0, SeedStreams.DRIVER, SeedStreams.Purpose.DATA);
    double[][] chol = cholesky(toeplitz(FEATURES, 0.3));
    double[] w0 = new double[FEATURES];
    for (int j = 0; j < FEATURES; j++) {
      w0[j] = 2 + rng.nextGaussian();
    }
    double[][] x = new double[samples][FEATURES];
    double[] y = new double[samples];
    for (int i = 0; i < samples; i++) {
      double[] z = new double[FEATURES];
      for (int j = 0; j < FEATURES; j++) {
        z[j] = rng.nextGaussian();
      }
      double dot = 0;
      for (int j = 0; j < FEATURES; j++) {
        double s = 0;
        for (int k = 0; k <= j; k++) {
          s += chol[j][k] * z[k];
        }
        x[i][j] = s;
        dot += s * w0[j];
      }
      y[i] = kind == Kind.LINEAR ? dot + 0.5 * rng.nextGaussian()
          : rng.nextDouble() < 1 / (1 + Math.exp(-dot)) ? 1 : 0;
    }
    int train = (int) Math.round(samples * TRAIN_FRACTION);
    standardise(x, train, FEATURES);
    if (kind == Kind.LINEAR) {
      double[][] ys = new double[samples][1];
      for (int i = 0; i < samples; i++) {
        ys[i][0] = y[i];
      }
      standardise(ys, train, 1);
      for (int i = 0; i < samples; i++) {
        y[i] = ys[i][0];
      }
    }
    return new SyntheticRegression(rows(x, 0, train), column(y, 0, train), rows(x, train, samples),
        column(y, train, samples));
  }

  public float[][] trainFeatures() {
    return trainX;
  }

  public float[] trainLabels() {
    return trainY;
  }

  public float[][] testFeatures() {
    return testX;
  }

  public float[] testLabels() {
    return testY;
  }

  static double[][] toeplitz(int n, double rho) {
    double[][] s = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        s[i][j] = Math.pow(rho, Math.abs(i - j));
      }
    }
    return s;
  }

  /** Lower-triangular L with L Lᵀ = a. */
  static double[][] cholesky(double[][] a) {
    int n = a.length;
    double[][] l = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i][j];
        for (int k = 0; k < j; k++) {
          s -= l[i][k] * l[j][k];
        }
        l[i][j] = i == j ? Math.sqrt(s) : s / l[j][j];
      }
    }
    return l;
  }

  private static void standardise(double[][] x, int train, int cols) {
    for (int j = 0; j < cols; j++) {
      double mean = 0;
      for (int i = 0; i < train; i++) {
        mean += x[i][j];
      }
      mean /= train;
      double var = 0;
      for (int i = 0; i < train; i++) {
        var += (x[i][j] - mean) * (x[i][j] - mean);
      }
      double std = Math.sqrt(var / train);
      for (double[] row : x) {
        row[j] = (row[j] - mean) / std;
      }
    }
  }

  private static float[][] rows(double[][] x, int from, int to) {
    float[][] out = new float[to - from][];
    for (int i = from; i < to; i++) {
      out[i - from] = new float[x[i].length];
      for (int j = 0; j < x[i].length; j++) {
        out[i - from][j] = (float) x[i][j];
      }
    }
    return out;
  }

  private static float[] column(double[] y, int from, int to) {
    float[] out = new float[to - from];
    for (int i = from; i < to; i++) {
      out[i - from] = (float) y[i];
    }
    return out;
  }
}
