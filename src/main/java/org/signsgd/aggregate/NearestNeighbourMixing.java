package org.signsgd.aggregate;

import java.util.random.RandomGenerator;

/**
 * NNM pre-aggregation (Allouah, Farhadkhani, Guerraoui, Gupta, Pinot, Stephan, "Fixing by Mixing: A Recipe for
 * Optimal Byzantine ML under Heterogeneity", AISTATS 2023, Algorithm 1):
 * each x_i is replaced by the mean of its n − f nearest vectors, itself included (ties: lowest worker index),
 * then any dense rule ({@code then}, default mean, with its own parameters) runs on the mixed vectors with the same
 * f. Requires f < n/2, and the inner rule's requirement on (n, f). The math and a worked example: docs/pre-aggregators.md#nnm.
 */
public final class NearestNeighbourMixing extends PreAggregator {
  public static final String NAME = "nnm";

  /** The wrapped rule's passes (null when it is coordinate-wise), bound to the round's draws by {@link #forRound}. */
  private final ChunkedRule inner;
  /** The round's stream, handed to a coordinate-wise wrapped rule as the whole rule hands it (null: unbound). */
  private final RandomGenerator round;

  public NearestNeighbourMixing(DenseRule then) {
    this(then, then.chunked(), null);
  }

  private NearestNeighbourMixing(DenseRule then, ChunkedRule inner, RandomGenerator round) {
    super(then);
    this.inner = inner;
    this.round = round;
  }

  /** The wrapped rule with the round's draws (bucketing's permutation), from the same stream. */
  @Override
  public ChunkedRule forRound(RandomGenerator rng, int from, int dimension) {
    return new NearestNeighbourMixing(then, inner == null ? null : inner.forRound(rng, from, dimension), rng);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  void checkOwn(int n, int f) {
    Requirements.basic(NAME, n, f);
    if (2 * f >= n) {
      throw new IllegalArgumentException(NAME + ": n=" + n + " with f=" + f + "; allowed: f < n/2");
    }
  }

  /** y_i: the mean of x_i's n − f nearest rows (the same distances as the chunked pass 0). */
  @Override
  double[][] preAggregate(double[][] x, int f, RandomGenerator rng) {
    return mixed(x, ((Mixing) decide(0, partial(0, x, f, null), x.length, f, null)).nearest());
  }

  @Override
  PreAggregator wrapping(DenseRule rule) {
    return new NearestNeighbourMixing(rule);
  }

  /** What the passes decided: each row's n − f nearest rows (itself first), and the wrapped rule's decision. */
  private record Mixing(int[][] nearest, java.io.Serializable then) implements java.io.Serializable {}

  /** The distances, then the wrapped rule's passes over the mixed rows. */
  @Override
  public int passes() {
    return 1 + (inner == null ? 0 : inner.passes());
  }

  @Override
  public double[] partial(int pass, double[][] x, int f, java.io.Serializable decided) {
    if (pass == 0) {
      return Rows.pairSums(x);
    }
    Mixing m = (Mixing) decided;
    return inner.partial(pass - 1, mixed(x, m.nearest()), f, m.then());
  }

  @Override
  public java.io.Serializable decide(int pass, double[] sums, int n, int f, java.io.Serializable decided) {
    if (pass == 0) {
      double[][] dist = Rows.fromPairSums(sums, n);
      int[][] nearest = new int[n][];
      for (int i = 0; i < n; i++) {
        nearest[i] = java.util.Arrays.copyOf(Rows.byScore(dist[i]), n - f); // dist[i][i] = 0: itself first
      }
      return new Mixing(nearest, null);
    }
    Mixing m = (Mixing) decided;
    return new Mixing(m.nearest(), inner.decide(pass - 1, sums, n, f, m.then()));
  }

  @Override
  public double[] finish(double[][] x, int f, java.io.Serializable decided) {
    Mixing m = (Mixing) decided;
    double[][] y = mixed(x, m.nearest());
    return inner == null ? then.combine(y, f, round) : inner.finish(y, f, m.then());
  }

  /** y_i: the mean of row i's nearest rows. */
  private static double[][] mixed(double[][] x, int[][] nearest) {
    double[][] y = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      y[i] = Rows.mean(x, nearest[i]);
    }
    return y;
  }
}
