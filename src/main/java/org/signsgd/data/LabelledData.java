package org.signsgd.data;

import java.io.Serializable;
import java.util.random.RandomGenerator;

/**
 * A supervised dataset as a network sees it: rows of {@link #inputs()} features and targets of
 * {@link #outputs()} values (one-hot classes, or the regression target). Pure Java arrays; the model turns
 * them into ND4J arrays.
 */
public interface LabelledData extends Serializable {
  int inputs();

  /** Target width: the number of classes (one-hot), or 1 for a regression target. */
  int outputs();

  /** True when targets are classes (accuracy is defined). */
  default boolean classification() {
    return outputs() > 1;
  }

  int trainSize();

  int testSize();

  /** The class of every training sample, in 0..outputs()−1 (for non-IID sharding); null for regression. */
  int[] trainClasses();

  /**
   * Training rows {@code idx} into {@code x} (idx.length × inputs) and {@code y} (idx.length × outputs);
   * {@code augment} is the stream for the training augmentation, or null for none.
   */
  void train(int[] idx, RandomGenerator augment, float[] x, float[] y);

  /**
   * How many inputs this thread's {@link #train} calls met that could not be decoded (each replaced by a fixed
   * rule, so the batch is complete), since the last call, which resets the count to 0. Data held in memory is
   * never undecodable: 0.
   */
  default long takeBadImages() {
    return 0;
  }

  /** Test rows [from, to) into {@code x} and {@code y}. */
  void test(int from, int to, float[] x, float[] y);
}
