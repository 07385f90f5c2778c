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

  /** x₀, a copy the caller may change. */
  float[] initialParameters();

  /**
   * x₀ itself, which no caller may change: the model's own array where it keeps one (the driver broadcasts it to
   * the workers without a further copy of d floats in its heap). By default a copy.
   */
  default float[] sharedInitialParameters() {
    return initialParameters();
  }

  /**
   * What identifies the data this model reads where a job's settings do not (an image folder's listing,
   * {@link org.signsgd.data.ImageFolder#fingerprint}): a resume refuses to continue over different data. Null: the
   * settings say it all (the analytic models; MNIST, whose files are checked when fetched).
   */
  default String dataFingerprint() {
    return null;
  }

  /**
   * True when {@link #loss} and {@link #exactGradient} are available (the analytic models). A network is not
   * exact: its train loss is the honest workers' mean minibatch loss and its reference gradient the honest
   * workers' mean gradient, computed only on the iterations that need it ({@link org.signsgd.train.HonestMean}).
   */
  default boolean exact() {
    return true;
  }

  /** The exact training objective f(x) (the full training set, or the closed form); only when exact. */
  double loss(float[] x);

  /** The exact full gradient ∇f(x), the reference of the omniscient attack and the metrics; only when exact. */
  float[] exactGradient(float[] x);

  /**
   * ∇f(x) to be read, not kept or written, before x changes: a model whose gradient is x itself returns x, with
   * no copy (at ResNet-50's d a copy is one more 102 MB vector on the driver's heap beside x and the direction);
   * by default, {@link #exactGradient}.
   */
  default float[] exactGradientToRead(float[] x) {
    return exactGradient(x);
  }

  /**
   * Worker {@code worker}'s minibatch gradient at x for iteration t, written into {@code out}.
   *
   * @param batchSize n, the minibatch size of this iteration
   * @return the minibatch loss, or NaN for an exact model (whose driver computes the exact loss)
   */
  double stochasticGradient(float[] x, int batchSize, long iteration, int worker, float[] out);

  /**
   * The same on flipped labels when {@code flipLabels} (the label-flip attack, data poisoning: class y becomes
   * C − 1 − y; {@link org.signsgd.attack.LabelFlip}); only for models with class labels ({@link #hasClassLabels}).
   */
  default double stochasticGradient(float[] x, int batchSize, long iteration, int worker, float[] out,
      boolean flipLabels) {
    if (flipLabels) {
      throw new IllegalArgumentException(name() + " has no class labels to flip");
    }
    return stochasticGradient(x, batchSize, iteration, worker, out);
  }

  /**
   * How many training inputs this thread's gradients met that could not be decoded (the data replaced each by a
   * fixed rule), since the last call, which resets the count; 0 for models whose data is never decoded.
   */
  default long takeBadImages() {
    return 0;
  }

  /** True when the training labels are classes (label-flip can poison them). */
  default boolean hasClassLabels() {
    return false;
  }

  /** Test-set loss and accuracy (NaN where a model has none). */
  Evaluation evaluate(float[] x);

  /**
   * Worker {@code worker}'s share of the test set, evaluated on its replica x: a network spreads the
   * evaluation over the Q workers, whose replicas equal the driver's parameters (null: the driver evaluates).
   */
  default TestSums testSlice(float[] x, int worker, int workers) {
    return null;
  }

  /** The optimum f*, when known in closed form (NaN otherwise). */
  default double knownOptimum() {
    return Double.NaN;
  }

  /**
   * Summed test loss, correct predictions and rows of a slice of the test set (classes: false when the model
   * has no accuracy); slices add up in worker order.
   */
  record TestSums(double loss, long correct, int rows, boolean classes) implements Serializable {
    public TestSums plus(TestSums o) {
      return new TestSums(loss + o.loss, correct + o.correct, rows + o.rows, o.classes);
    }

    public Evaluation evaluation() {
      return new Evaluation(loss / rows, classes ? (double) correct / rows : Double.NaN);
    }
  }

  /** A test-set evaluation. */
  record Evaluation(double loss, double accuracy) {
    public static final Evaluation NONE = new Evaluation(Double.NaN, Double.NaN);
  }
}
