package org.signsgd.model;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.signsgd.rng.SeedStreams;

/**
 * The toy problem of Mengoli et al. 2025, App. B, Table 2: f(x) = ½ x·x, ∇f(x) = x, and a minibatch gradient
 * g̃ = x + ξ̄ with ξ̄ the mean of n draws of N(0, σ²I). The mean is drawn directly as N(0, σ²/n · I), which is exact,
 * so a batch of 500 costs no more than a batch of 1. x₀ is all ones by default (the paper does not give it), a
 * constant, or N(0, 1) from the seed.
 */
public final class Quadratic implements GradientModel {
  private final int dimension;
  private final double noiseStd;
  /** Every coordinate of x₀; null: x₀ ~ N(0, I) from the seed. x₀ itself is made when asked for, not kept: at
   * ResNet-50's d it would be 102 MB in every copy of the model (the driver's, the broadcast's, each task's). */
  private final Float constant;
  private final long seed;

  private Quadratic(int dimension, double noiseStd, Float constant, long seed) {
    this.dimension = dimension;
    this.noiseStd = noiseStd;
    this.constant = constant;
    this.seed = seed;
  }

  /** The toy with x₀ = (value, …, value). */
  public static Quadratic constant(int dimension, double noiseStd, float value, long seed) {
    return new Quadratic(dimension, noiseStd, value, seed);
  }

  /** The toy with x₀ ~ N(0, I) from the seed. */
  public static Quadratic normal(int dimension, double noiseStd, long seed) {
    return new Quadratic(dimension, noiseStd, null, seed);
  }

  /** x₀ with every coordinate {@code value}. */
  public static float[] constantStart(int dimension, float value) {
    float[] x = new float[dimension];
    Arrays.fill(x, value);
    return x;
  }

  /** x₀ ~ N(0, I) from the seed. */
  public static float[] normalStart(int dimension, long seed) {
    RandomGenerator rng = SeedStreams.of(seed, 0, SeedStreams.DRIVER, SeedStreams.Purpose.INIT);
    float[] x = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      x[i] = (float) rng.nextGaussian();
    }
    return x;
  }

  @Override
  public String name() {
    return "quadratic";
  }

  @Override
  public int dimension() {
    return dimension;
  }

  public double noiseStd() {
    return noiseStd;
  }

  @Override
  public float[] initialParameters() {
    return constant != null ? constantStart(dimension, constant) : normalStart(dimension, seed);
  }

  @Override
  public double loss(float[] x) {
    double s = 0;
    for (float v : x) {
      s += (double) v * v;
    }
    return 0.5 * s;
  }

  @Override
  public float[] exactGradient(float[] x) {
    return x.clone();
  }

  /** ∇f(x) = x: x itself, for a caller that only reads it. */
  @Override
  public float[] exactGradientToRead(float[] x) {
    return x;
  }

  @Override
  public double stochasticGradient(float[] x, int batchSize, long iteration, int worker, float[] out) {
    RandomGenerator rng = SeedStreams.of(seed, iteration, worker, SeedStreams.Purpose.NOISE);
    double std = noiseStd / Math.sqrt(batchSize);
    for (int i = 0; i < dimension; i++) {
      out[i] = (float) (x[i] + std * rng.nextGaussian());
    }
    return Double.NaN;
  }

  @Override
  public Evaluation evaluate(float[] x) {
    return Evaluation.NONE;
  }

  @Override
  public double knownOptimum() {
    return 0;
  }
}
