package org.signsgd.aggregate;

import java.math.BigInteger;

/**
 * The subset rules' shared arithmetic (MDA, SMEA): how many subsets of n − f rows there are, C(n, f), and the
 * refusal when the exact search over them would be too long.
 */
final class Subsets {
  private Subsets() {}

  /** C(n, k) exactly (it overflows a long from n = 68 on). */
  static BigInteger count(int n, int k) {
    BigInteger c = BigInteger.ONE;
    int kk = Math.min(k, n - k);
    for (int i = 0; i < kk; i++) {
      c = c.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
    }
    return c;
  }

  /** Refuses when C(n, f) exceeds {@code limit}, in one line naming the count and the limit. */
  static void check(String rule, int n, int f, long limit) {
    BigInteger c = count(n, f);
    if (c.compareTo(BigInteger.valueOf(limit)) > 0) {
      throw new IllegalArgumentException(rule + ": C(n=" + n + ", f=" + f + ") = " + c + " subsets; allowed: at most "
          + limit + " (use a smaller f or another rule)");
    }
  }
}
