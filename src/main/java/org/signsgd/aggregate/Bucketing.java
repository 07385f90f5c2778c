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
 * Randomised, so not invariant under permuting the messages. A bucket's mean is coordinate-wise once π is drawn,
 * so it runs chunk by chunk ({@link ChunkedRule}) over a coordinate-wise or chunked inner rule: every chunk draws π
 * from the round's stream of chunk 0 ({@link #forRound}), the stream the rule on whole vectors draws from, so all
 * chunks bucket alike; the inner rule's passes then run on the chunk's bucket means. See docs/pre-aggregators.md.
 */
public final class Bucketing extends PreAggregator {
  public static final String NAME = "bucketing";

  private final int s;
  /** The wrapped rule's passes (null when it is coordinate-wise), bound to the round's draws by {@link #forRound}. */
  private final ChunkedRule inner;
  /** The round's stream π is drawn from (null until {@link #forRound}: then the rule cannot run chunk by chunk). */
  private final RandomGenerator round;
  /** Where the chunk lies in d, handed to the wrapped rule. */
  private final int from;
  private final int dimension;
  /** π, drawn from {@link #round} when the first chunk's rows come (their number is n). */
  private int[] drawn;
  /** The wrapped rule's passes with the round's stream after π's draw (as the whole rule hands it on). */
  private ChunkedRule drawnInner;

  /** @param s the bucket size, ≥ 1 */
  public Bucketing(int s, DenseRule then) {
    this(s, then, null, 0, 0);
  }

  private Bucketing(int s, DenseRule then, RandomGenerator round, int from, int dimension) {
    super(then);
    this.s = s;
    this.inner = then.chunked();
    this.round = round;
    this.from = from;
    this.dimension = dimension;
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
    return means(x, permutation(x.length, rng));
  }

  /** The bucket means: bucket b holds the messages π[bs], …, π[min(n, (b + 1)s) − 1]. */
  private double[][] means(double[][] x, int[] pi) {
    int n = x.length;
    double[][] y = new double[count(n)][];
    for (int b = 0; b < y.length; b++) {
      y[b] = Rows.mean(x, java.util.Arrays.copyOfRange(pi, b * s, Math.min(n, (b + 1) * s)));
    }
    return y;
  }

  @Override
  PreAggregator wrapping(DenseRule rule) {
    return new Bucketing(s, rule);
  }

  /** This rule bound to a round: π and the inner rule's draws come from {@code rng}. */
  @Override
  public ChunkedRule forRound(RandomGenerator rng, int from, int dimension) {
    return new Bucketing(s, then, rng, from, dimension);
  }

  /** The wrapped rule's passes: bucketing itself sums nothing over the coordinates. */
  @Override
  public int passes() {
    return inner == null ? 0 : inner.passes();
  }

  @Override
  public double[] partial(int pass, double[][] x, int f, java.io.Serializable decided) {
    double[][] y = buckets(x);
    return drawnInner.partial(pass, y, f, decided);
  }

  /**
   * The wrapped rule's decision on the sums over the ⌈n/s⌉ bucket means. Bound to a round, π is drawn first (from
   * the n rows), so that a wrapped rule that draws on the driver (signguard's coordinates) draws after it, as on
   * whole vectors.
   */
  @Override
  public java.io.Serializable decide(int pass, double[] sums, int n, int f, java.io.Serializable decided) {
    if (round == null) {
      return inner.decide(pass, sums, count(n), f, decided);
    }
    draw(n);
    return drawnInner.decide(pass, sums, count(n), f, decided);
  }

  @Override
  public double[] finish(double[][] x, int f, java.io.Serializable decided) {
    double[][] y = buckets(x);
    return drawnInner == null ? then.combine(y, f, round) : drawnInner.finish(y, f, decided);
  }

  /** The chunk's bucket means, π drawn from the round's stream at the first call. */
  private double[][] buckets(double[][] x) {
    if (round == null) {
      throw new IllegalStateException(NAME + " draws a permutation: run chunk by chunk only after forRound(rng)");
    }
    draw(x.length);
    return means(x, drawn);
  }

  /** π over n rows, drawn from the round's stream at the first call, and the wrapped rule bound after it. */
  private void draw(int n) {
    if (drawn == null) {
      drawn = permutation(n, round);
      drawnInner = inner == null ? null : inner.forRound(round, from, dimension);
    } else if (drawn.length != n) {
      throw new IllegalStateException(NAME + ": π was drawn for n=" + drawn.length + ", not n=" + n);
    }
  }
}
