package org.signsgd.aggregate;

import java.io.Serializable;
import java.util.random.RandomGenerator;

/**
 * A pre-aggregation step that scales each vector by a factor of the n vectors' norms (static clipping, ARC), then
 * hands them to its inner rule. Written as a {@link ChunkedRule}: the norms are the one quantity over all
 * coordinates, ‖x_i‖₂ = √(Σ_chunks Σ_k x_ik²), so pass 0 takes each row's sum of squares per chunk, the driver adds
 * them in chunk order and turns the norms into the factors ({@link #factors}), and every chunk scales its rows by
 * them; the inner rule's own passes, if it has any, follow on the scaled rows. On whole vectors this is the same
 * computation on one chunk. The messages are floats, so a sum of their squares stays finite in double; a NaN or
 * infinite entry makes the norm NaN or ∞, as before.
 */
abstract class NormClipping extends PreAggregator {
  /** The wrapped rule's passes (null when it is coordinate-wise), bound to the round's draws by {@link #forRound}. */
  private final ChunkedRule inner;
  /** The round's stream, handed to a coordinate-wise wrapped rule as the whole rule hands it (null: unbound). */
  private final RandomGenerator round;

  NormClipping(DenseRule then, ChunkedRule inner, RandomGenerator round) {
    super(then);
    this.inner = inner;
    this.round = round;
  }

  /** The factor each vector is scaled by, from the vectors' norms (NaN for a vector with a NaN entry). */
  abstract double[] factors(double[] norms, int f);

  /** This step over {@code inner}, the wrapped rule's passes bound to a round, with the round's stream. */
  abstract NormClipping over(ChunkedRule inner, RandomGenerator round);

  /** The wrapped rule with the round's draws (bucketing's permutation), from the same stream. */
  @Override
  public ChunkedRule forRound(RandomGenerator rng, int from, int dimension) {
    return over(inner == null ? null : inner.forRound(rng, from, dimension), rng);
  }

  /** What the passes decided: each row's factor, and the inner rule's decision. */
  private record Scaling(double[] factors, Serializable then) implements Serializable {}

  @Override
  double[][] preAggregate(double[][] x, int f, RandomGenerator rng) {
    return scaled(x, ((Scaling) decide(0, partial(0, x, f, null), x.length, f, null)).factors());
  }

  /** The norms, then the wrapped rule's passes over the scaled rows. */
  @Override
  public int passes() {
    return 1 + (inner == null ? 0 : inner.passes());
  }

  @Override
  public double[] partial(int pass, double[][] x, int f, Serializable decided) {
    if (pass == 0) {
      double[] squares = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        double s = 0;
        for (double e : x[i]) {
          s += e * e;
        }
        squares[i] = s;
      }
      return squares;
    }
    Scaling s = (Scaling) decided;
    return inner.partial(pass - 1, scaled(x, s.factors()), f, s.then());
  }

  @Override
  public Serializable decide(int pass, double[] sums, int n, int f, Serializable decided) {
    if (pass == 0) {
      double[] norms = new double[n];
      for (int i = 0; i < n; i++) {
        norms[i] = Math.sqrt(sums[i]);
      }
      return new Scaling(factors(norms, f), null);
    }
    Scaling s = (Scaling) decided;
    return new Scaling(s.factors(), inner.decide(pass - 1, sums, n, f, s.then()));
  }

  @Override
  public double[] finish(double[][] x, int f, Serializable decided) {
    Scaling s = (Scaling) decided;
    double[][] y = scaled(x, s.factors());
    return inner == null ? then.combine(y, f, round) : inner.finish(y, f, s.then());
  }

  /** x_i · factor_i as fresh rows (a row whose factor is 1 copied). */
  private static double[][] scaled(double[][] x, double[] factors) {
    double[][] y = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      if (factors[i] == 1) {
        y[i] = x[i].clone();
      } else {
        y[i] = new double[x[i].length];
        for (int k = 0; k < y[i].length; k++) {
          y[i][k] = x[i][k] * factors[i];
        }
      }
    }
    return y;
  }

  /** min(1, c/norm): 1 when norm ≤ c or norm is NaN. */
  static double factor(double norm, double c) {
    return norm > c ? c / norm : 1;
  }
}
