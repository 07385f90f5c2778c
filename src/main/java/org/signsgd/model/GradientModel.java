package org.signsgd.model;

import java.io.Serializable;

/**
 * A differentiable model over one flat parameter vector x ∈ R^d. Implementations are immutable and
 * serialisable (Spark ships them once per run), and every stochastic draw comes from
 * (seed, iteration, worker), so a worker's gradient is the same on any executor.
 */
public interface GradientModel extends Serializable {
  String name();

  int dimension();

  /** x₀. */
  float[] initialParameters();

  /** The exact training objective f(x) (the full training set, or the closed form). */
  double loss(float[] x);

  /** The exact full gradient ∇f(x): the reference the omniscient attack and the vote metrics use. */
  float[] exactGradient(float[] x);

  /**
   * Worker {@code worker}'s minibatch gradient at x for iteration t, written into {@code out}.
   *
   * @param batchSize n, the minibatch size of this iteration
   */
  void stochasticGradient(float[] x, int batchSize, long iteration, int worker, float[] out);

  /** Test-set loss and accuracy (NaN where a model has none). */
  Evaluation evaluate(float[] x);

  /** The optimum f*, when known in closed form (NaN otherwise). */
  default double knownOptimum() {
    return Double.NaN;
  }

  /** A test-set evaluation. */
  record Evaluation(double loss, double accuracy) {
    public static final Evaluation NONE = new Evaluation(Double.NaN, Double.NaN);
  }
}
