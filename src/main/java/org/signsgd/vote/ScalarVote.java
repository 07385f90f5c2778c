package org.signsgd.vote;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The plain per-coordinate majority vote, one int add per message and coordinate: the test oracle for
 * {@link VoteTally}, and the "scalar" line of the benchmark. Same semantics, same tie draws.
 */
public final class ScalarVote {
  private ScalarVote() {}

  /** V_i = Σ_m s_{m,i}. */
  public static int[] sums(List<SignVector> messages, int dimension) {
    int[] v = new int[dimension];
    for (SignVector m : messages) {
      if (m.dimension() != dimension) {
        throw new IllegalArgumentException("majority-vote: message has d=" + m.dimension()
            + "; expected d=" + dimension);
      }
      for (int i = 0; i < dimension; i++) {
        v[i] += m.sign(i);
      }
    }
    return v;
  }

  /** sign(V) with ties resolved by {@code tie}; {@code RANDOM} draws in increasing coordinate order. */
  public static SignVector vote(List<SignVector> messages, int dimension, TieRule tie, RandomGenerator rng) {
    int[] v = sums(messages, dimension);
    int[] out = new int[dimension];
    for (int i = 0; i < dimension; i++) {
      if (v[i] != 0) {
        out[i] = Integer.signum(v[i]);
      } else {
        out[i] = switch (tie) {
          case ZERO -> 0;
          case PLUS -> 1;
          case RANDOM -> rng.nextBoolean() ? -1 : 1;
        };
      }
    }
    return SignVector.ofSigns(out);
  }
}
