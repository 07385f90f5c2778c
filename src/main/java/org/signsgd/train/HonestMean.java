package org.signsgd.train;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The reference gradient of a network (omniscient attacks and the metrics compare against it): the mean of the honest
 * workers' minibatch gradients, accumulated in double so that the order in which {@code treeAggregate} merges
 * partitions changes nothing after the final rounding to float (except, with negligible probability, a last bit).
 */
public final class HonestMean implements Serializable {
  private static final long serialVersionUID = 1L;
  private double[] sum;
  private int count;

  /** Adds one honest worker's gradient. */
  public HonestMean add(float[] g) {
    if (sum == null) {
      sum = new double[g.length];
    }
    for (int i = 0; i < g.length; i++) {
      sum[i] += g[i];
    }
    count++;
    return this;
  }

  /** Merges another partial mean into this one. */
  public HonestMean merge(HonestMean other) {
    if (other.sum == null) {
      return this;
    }
    if (sum == null) {
      sum = Arrays.copyOf(other.sum, other.sum.length);
    } else {
      for (int i = 0; i < sum.length; i++) {
        sum[i] += other.sum[i];
      }
    }
    count += other.count;
    return this;
  }

  public int count() {
    return count;
  }

  /** The mean as floats, or null when no gradient was added. */
  public float[] mean() {
    if (count == 0) {
      return null;
    }
    float[] m = new float[sum.length];
    for (int i = 0; i < m.length; i++) {
      m[i] = (float) (sum[i] / count);
    }
    return m;
  }
}
