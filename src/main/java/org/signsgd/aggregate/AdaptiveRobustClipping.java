package org.signsgd.aggregate;

/**
 * ARC, adaptive robust clipping (Allouah, Guerraoui, Gupta, Jellouli, Rizk, Stephan, "Adaptive Gradient Clipping
 * for Robust Federated Learning", ICLR 2025, arXiv:2405.14432, the ARC algorithm; ByzFL's {@code ARC}): with
 * k = ⌊2(f/n)(n − f)⌋, the k largest-norm vectors are clipped to the norm of the (k + 1)-th largest,
 * x_i ← x_i · min(1, ‖x_{(k+1)}‖₂ / ‖x_i‖₂), the others left as they are; then the inner rule ({@code then},
 * default mean) with the same f. The norms are ordered by (norm, worker index), as ByzFL sorts (norm, id); which
 * of several equal norms counts as "largest" cannot change the result, since clipping to one's own norm is the
 * identity. k = 0 (f = 0) clips nothing; k ≤ n/2 < n always. Requires the inner rule's requirement on (n, f). The
 * norms are sums over chunks ({@link NormClipping}), so it runs sharded over a coordinate-wise or chunked inner
 * rule. See docs/pre-aggregators.md.
 */
public final class AdaptiveRobustClipping extends NormClipping {
  public static final String NAME = "arc";

  public AdaptiveRobustClipping(DenseRule then) {
    this(then, then.chunked(), null);
  }

  private AdaptiveRobustClipping(DenseRule then, ChunkedRule inner, java.util.random.RandomGenerator round) {
    super(then, inner, round);
  }

  @Override
  NormClipping over(ChunkedRule inner, java.util.random.RandomGenerator round) {
    return new AdaptiveRobustClipping(then, inner, round);
  }

  @Override
  PreAggregator wrapping(DenseRule rule) {
    return new AdaptiveRobustClipping(rule);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** k = ⌊2(f/n)(n − f)⌋, in exact integer arithmetic: ⌊2f(n − f)/n⌋. */
  static int clippedCount(int n, int f) {
    return (int) (2L * f * (n - f) / n);
  }

  /** 1 for the n − k smallest norms, min(1, ‖x_(k+1)‖/‖x_i‖) for the k largest. */
  @Override
  double[] factors(double[] norms, int f) {
    int n = norms.length;
    int k = clippedCount(n, f);
    int[] ascending = Rows.byScore(norms); // NaN norms sort last: among the clipped, and left non-finite
    double threshold = norms[ascending[n - k - 1]];
    double[] out = new double[n];
    java.util.Arrays.fill(out, 1);
    for (int r = n - k; r < n; r++) {
      int i = ascending[r];
      out[i] = factor(norms[i], threshold);
    }
    return out;
  }
}
