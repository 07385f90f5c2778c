package org.signsgd.aggregate;

import java.util.random.RandomGenerator;

/**
 * Bucketing (Karimireddy, He, Jaggi, "Byzantine-Robust Learning on Heterogeneous Datasets via Bucketing",
 * ICLR 2022, Algorithm 1): a random permutation π of the n messages, drawn from the round's stream; the permuted
 * messages cut into ⌈n/s⌉ buckets of s consecutive ones (the last holds the n − s(⌈n/s⌉ − 1) left over); each
 * bucket's mean; then the inner rule ({@code then}, default mean) on the bucket means. The last bucket's mean is
 * over its own members, as ByzFL's {@code Bucketing} computes it (its documented formula divides by s). The inner
 * rule is told the same f, as in the paper (a Byzantine message spoils at most one bucket) and in ByzFL's
 * benchmark, which gives every pre-aggregator and the aggregator the one declared f. Requires the inner rule's
 * requirement on (⌈n/s⌉, f).
 * Randomised, so not invariant under permuting the messages; not shardable (one permutation of whole messages).
 * See docs/pre-aggregators.md.
 */
public final class Bucketing extends PreAggregator {
  public static final String NAME = "bucketing";

  private final int s;

  /** @param s the bucket size, ≥ 1 */
  public Bucketing(int s, DenseRule then) {
    super(then);
    this.s = s;
  }

  @Override
  public String name() {
    return NAME;
  }

  public int bucketSize() {
    return s;
  }

  @Override
  int count(int n) {
    return (n - 1) / s + 1; // ⌈n/s⌉ for n ≥ 1, without n + s overflowing at a large s
  }

  @Override
  String innerPrefix(int n) {
    return NAME + ": s=" + s + " makes " + count(n) + " buckets of n=" + n + "; then: ";
  }

  /**
   * π as drawn from {@code rng}: Fisher–Yates from the last position down, position i swapped with a uniform
   * j in [0, i] ({@code rng.nextInt(i + 1)}); π[p] is the message at permuted position p.
   */
  static int[] permutation(int n, RandomGenerator rng) {
    int[] pi = new int[n];
    for (int i = 0; i < n; i++) {
      pi[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = pi[i];
      pi[i] = pi[j];
      pi[j] = t;
    }
    return pi;
  }

  @Override
  double[][] preAggregate(double[][] x, int f, RandomGenerator rng) {
    if (rng == null) {
      throw new IllegalStateException(NAME + " draws a permutation: it needs the round's stream (combine(x, f, rng))");
    }
    int n = x.length;
    int[] pi = permutation(n, rng);
    double[][] y = new double[count(n)][];
    for (int b = 0; b < y.length; b++) {
      y[b] = Rows.mean(x, java.util.Arrays.copyOfRange(pi, b * s, Math.min(n, (b + 1) * s)));
    }
    return y;
  }

  @Override
  public String whyNotShardable() {
    return NAME + " averages buckets of whole messages, one permutation for all coordinates";
  }
}
