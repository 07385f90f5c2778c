package org.signsgd.aggregate;

import java.util.random.RandomGenerator;

/**
 * Static clipping, the pre-aggregation step that Allouah, Guerraoui, Gupta, Jellouli, Rizk, Stephan, "Adaptive
 * Gradient Clipping for Robust Federated Learning", ICLR 2025 (arXiv:2405.14432), take as the baseline of their
 * adaptive rule, and ByzFL's {@code Clipping}: x_i ← x_i · min(1, c / ‖x_i‖₂) for every i, a fixed threshold
 * {@code c} (default 2, as ByzFL; c ≥ 0), then the inner rule ({@code then}, default mean) with the same f. A
 * vector of norm ≤ c is unchanged; a non-finite one stays non-finite (it is the inner rule's to discard).
 * Requires the inner rule's requirement on (n, f). Not shardable: the norms span all coordinates. See
 * docs/pre-aggregators.md.
 */
public final class StaticClipping extends PreAggregator {
  public static final String NAME = "clipping";

  private final double c;

  public StaticClipping(double c, DenseRule then) {
    super(then);
    this.c = c;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  double[][] preAggregate(double[][] x, int f, RandomGenerator rng) {
    double[][] y = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      y[i] = clipped(x[i], norm(x[i]), c);
    }
    return y;
  }

  @Override
  public String whyNotShardable() {
    return NAME + " scales each message by its norm over all coordinates";
  }
}
