package org.signsgd.aggregate;

/**
 * Static clipping, the pre-aggregation step that Allouah, Guerraoui, Gupta, Jellouli, Rizk, Stephan, "Adaptive
 * Gradient Clipping for Robust Federated Learning", ICLR 2025 (arXiv:2405.14432), take as the baseline of their
 * adaptive rule, and ByzFL's {@code Clipping}: x_i ← x_i · min(1, c / ‖x_i‖₂) for every i, a fixed threshold
 * {@code c} (default 2, as ByzFL; c ≥ 0), then the inner rule ({@code then}, default mean) with the same f. A
 * vector of norm ≤ c is unchanged; a non-finite one stays non-finite (it is the inner rule's to discard).
 * Requires the inner rule's requirement on (n, f). The norms are sums over chunks ({@link NormClipping}), so it
 * runs sharded over a coordinate-wise or chunked inner rule. See docs/pre-aggregators.md.
 */
public final class StaticClipping extends NormClipping {
  public static final String NAME = "clipping";

  private final double c;

  public StaticClipping(double c, DenseRule then) {
    this(c, then, then.chunked(), null);
  }

  private StaticClipping(double c, DenseRule then, ChunkedRule inner, java.util.random.RandomGenerator round) {
    super(then, inner, round);
    this.c = c;
  }

  @Override
  NormClipping over(ChunkedRule inner, java.util.random.RandomGenerator round) {
    return new StaticClipping(c, then, inner, round);
  }

  @Override
  PreAggregator wrapping(DenseRule rule) {
    return new StaticClipping(c, rule);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** min(1, c/‖x_i‖) for every i. */
  @Override
  double[] factors(double[] norms, int f) {
    double[] out = new double[norms.length];
    for (int i = 0; i < norms.length; i++) {
      out[i] = factor(norms[i], c);
    }
    return out;
  }
}
