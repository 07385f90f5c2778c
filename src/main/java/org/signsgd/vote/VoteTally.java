package org.signsgd.vote;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The majority vote V = Σ_m sign(v_m) of Bernstein et al., "signSGD with Majority Vote is Communication
 * Efficient and Fault Tolerant", ICLR 2019, Algorithm 1 (= Akoun and Meyer 2022, Algorithm 1, step 2), counted
 * bit-sliced: a vertical binary counter per 64 coordinates, never a loop over floats.
 *
 * <p>Per coordinate the tally holds M (messages that say -1) and Z (messages that say 0) as K-bit numbers whose
 * bit j lives in plane j ({@code planes[j][word]}); adding a message is a ripple of half adders along the planes.
 * With n messages, P = n - M - Z say +1 and V = P - M, so sign(V) = -1 iff 2M + Z &gt; n, and a tie iff
 * 2M + Z = n; {@link #result} evaluates that with a bit-sliced comparator. The tally is mergeable
 * ({@link #merge}), so partitions can pre-count and the driver combines, as in a {@code treeAggregate}.
 */
public final class VoteTally {
  private final int dimension;
  private final int words;
  private long[][] minus = new long[0][];
  private long[][] zeros;
  private int count;

  public VoteTally(int dimension) {
    if (dimension < 0) {
      throw new IllegalArgumentException("vote dimension is " + dimension + "; allowed: d >= 0");
    }
    this.dimension = dimension;
    this.words = SignVector.wordsFor(dimension);
  }

  /** Counts every message of {@code messages} into a fresh tally. */
  public static VoteTally of(int dimension, Iterable<SignVector> messages) {
    VoteTally tally = new VoteTally(dimension);
    for (SignVector message : messages) {
      tally.add(message);
    }
    return tally;
  }

  public int dimension() {
    return dimension;
  }

  /** Messages counted so far. */
  public int count() {
    return count;
  }

  /** Counts one message. */
  public VoteTally add(SignVector message) {
    if (message.dimension() != dimension) {
      throw new IllegalArgumentException("majority-vote: message has d=" + message.dimension()
          + "; expected d=" + dimension + " like the other messages");
    }
    ensurePlanes(count + 1);
    ripple(minus, message, false);
    if (message.hasZeros()) {
      if (zeros == null) {
        zeros = newPlanes(minus.length);
      }
      ripple(zeros, message, true);
    }
    count++;
    return this;
  }

  /** Adds the counts of {@code other} into this tally (bit-sliced ripple-carry addition of the planes). */
  public VoteTally merge(VoteTally other) {
    if (other.dimension != dimension) {
      throw new IllegalArgumentException("majority-vote: cannot merge a tally of d=" + other.dimension
          + " into one of d=" + dimension + "; allowed: equal dimensions");
    }
    if (other.count == 0) {
      return this;
    }
    ensurePlanes(count + other.count);
    addPlanes(minus, other.minus);
    if (other.zeros != null) {
      if (zeros == null) {
        zeros = newPlanes(minus.length);
      }
      addPlanes(zeros, other.zeros);
    }
    count += other.count;
    return this;
  }

  /**
   * sign(V) per coordinate; a tie (V = 0) is resolved by {@code tie}. {@link TieRule#RANDOM} draws one fair coin
   * from {@code rng} per tied coordinate, in increasing coordinate order.
   */
  public SignVector result(TieRule tie, RandomGenerator rng) {
    if (count == 0) {
      throw new IllegalStateException("majority-vote: no message was counted; a vote needs at least one");
    }
    long[] negative = new long[words];
    long[] tied = new long[words];
    int bits = 64 - Long.numberOfLeadingZeros(2L * count);
    long[] s = new long[bits];
    long[] m = new long[minus.length];
    long[] z = zeros == null ? null : new long[zeros.length];
    for (int w = 0; w < words; w++) {
      for (int j = 0; j < m.length; j++) {
        m[j] = minus[j][w];
        if (z != null) {
          z[j] = zeros[j][w];
        }
      }
      decide(m, z, count, s, w, dimension, negative, tied);
    }
    return resolveTies(negative, tied, tie, rng);
  }

  /**
   * The same vote as {@code of(d, messages).result(tie, rng)} in one pass over the messages, the driver's hot
   * path: below 128 messages {@link BlockMajority} (SIMD-friendly blocks); otherwise word-major, each word's Q
   * message words counted into K bit planes held in locals (K = bits of Q) and compared against n at once. No
   * plane arrays of size d are stored, and each message is read once, sequentially.
   */
  public static SignVector majority(List<SignVector> messages, int dimension, TieRule tie, RandomGenerator rng) {
    int n = messages.size();
    if (n == 0) {
      throw new IllegalStateException("majority-vote: no message was counted; a vote needs at least one");
    }
    int words = SignVector.wordsFor(dimension);
    long[][] neg = new long[n][];
    long[][] zer = new long[n][];
    boolean anyZero = false;
    for (int q = 0; q < n; q++) {
      SignVector m = messages.get(q);
      if (m.dimension() != dimension) {
        throw new IllegalArgumentException("majority-vote: message has d=" + m.dimension() + "; expected d="
            + dimension + " like the other messages");
      }
      neg[q] = m.negativeWords();
      zer[q] = m.zeroWords();
      anyZero |= zer[q] != null;
    }
    long[] negative = new long[words];
    long[] tied = new long[words];
    if (n <= BlockMajority.MAX_MESSAGES) {
      BlockMajority.vote(neg, anyZero ? zer : null, words, negative, tied);
      if (words > 0) {
        negative[words - 1] &= SignVector.tailMask(dimension);
        tied[words - 1] &= SignVector.tailMask(dimension);
      }
      return new VoteTally(dimension).resolveTies(negative, tied, tie, rng);
    }
    int k = 32 - Integer.numberOfLeadingZeros(n);
    int bits = 64 - Long.numberOfLeadingZeros(2L * n);
    long[] minus = new long[k];
    long[] zeros = new long[k];
    long[] s = new long[bits];
    for (int w = 0; w < words; w++) {
      count(neg, n, w, minus);
      if (anyZero) {
        count(zer, n, w, zeros);
      }
      decide(minus, anyZero ? zeros : null, n, s, w, dimension, negative, tied);
    }
    return new VoteTally(dimension).resolveTies(negative, tied, tie, rng);
  }

  /**
   * The number of set bits per lane of word w over the n rows (null rows count 0), as planes out[0..k): a
   * half-adder ripple per row (the path for n &gt;= 128; fewer messages go through {@link BlockMajority}).
   */
  private static void count(long[][] rows, int n, int w, long[] out) {
    Arrays.fill(out, 0L);
    for (int q = 0; q < n; q++) {
      long carry = word(rows, q, w);
      for (int j = 0; carry != 0; j++) {
        long c = out[j];
        out[j] = c ^ carry;
        carry = c & carry;
      }
    }
  }

  private static long word(long[][] rows, int q, int w) {
    return rows[q] == null ? 0L : rows[q][w];
  }

  /** The vote sums V_i = P_i - M_i, one int per coordinate (for metrics and tests; not on the hot path). */
  public int[] sums() {
    int[] v = new int[dimension];
    for (int i = 0; i < dimension; i++) {
      int m = lane(minus, i);
      int z = zeros == null ? 0 : lane(zeros, i);
      v[i] = count - z - 2 * m;
    }
    return v;
  }

  /**
   * For the 64 coordinates of word w, given M (minus) and Z (zeros, or null) as bit planes: S = 2M + Z into s,
   * then negative where S &gt; n and tied where S = n, compared bit-sliced from the top bit.
   */
  private static void decide(long[] minus, long[] zeros, int n, long[] s, int w, int dimension, long[] negative,
      long[] tied) {
    long carry = 0;
    for (int j = 0; j < s.length; j++) {
      long m = j >= 1 && j - 1 < minus.length ? minus[j - 1] : 0L;
      long z = zeros != null && j < zeros.length ? zeros[j] : 0L;
      s[j] = m ^ z ^ carry;
      carry = (m & z) | (carry & (m ^ z));
    }
    long gt = 0;
    long eq = -1L;
    for (int j = s.length - 1; j >= 0; j--) {
      long nj = ((n >>> j) & 1) != 0 ? -1L : 0L;
      gt |= eq & s[j] & ~nj;
      eq &= ~(s[j] ^ nj);
    }
    long valid = w == negative.length - 1 ? SignVector.tailMask(dimension) : -1L;
    negative[w] = gt & valid;
    tied[w] = eq & valid;
  }

  private SignVector resolveTies(long[] negative, long[] tied, TieRule tie, RandomGenerator rng) {
    switch (tie) {
      case ZERO -> {
        return SignVector.fromWords(dimension, negative, tied);
      }
      case PLUS -> {
        return SignVector.fromWords(dimension, negative, null);
      }
      default -> {
        for (int w = 0; w < words; w++) {
          for (long t = tied[w]; t != 0; t &= t - 1) {
            if (rng.nextBoolean()) {
              negative[w] |= Long.lowestOneBit(t);
            }
          }
        }
        return SignVector.fromWords(dimension, negative, null);
      }
    }
  }

  private void ensurePlanes(int capacity) {
    int needed = 32 - Integer.numberOfLeadingZeros(capacity);
    if (needed > minus.length) {
      minus = grow(minus, needed);
      if (zeros != null) {
        zeros = grow(zeros, needed);
      }
    }
  }

  private long[][] grow(long[][] planes, int size) {
    long[][] out = Arrays.copyOf(planes, size);
    for (int j = planes.length; j < size; j++) {
      out[j] = new long[words];
    }
    return out;
  }

  private long[][] newPlanes(int size) {
    return grow(new long[0][], size);
  }

  /** planes += (one plane of the message), a half-adder ripple that stops when every carry is 0. */
  private void ripple(long[][] planes, SignVector message, boolean zeroPlane) {
    for (int w = 0; w < words; w++) {
      long carry = zeroPlane ? message.zeroWord(w) : message.negativeWord(w);
      for (int j = 0; carry != 0; j++) {
        long c = planes[j][w];
        planes[j][w] = c ^ carry;
        carry = c & carry;
      }
    }
  }

  /** planes += other, a full-adder ripple per word; {@code planes} is wide enough for the sum. */
  private void addPlanes(long[][] planes, long[][] other) {
    for (int w = 0; w < words; w++) {
      long carry = 0;
      for (int j = 0; j < planes.length; j++) {
        long a = planes[j][w];
        long b = j < other.length ? other[j][w] : 0L;
        planes[j][w] = a ^ b ^ carry;
        carry = (a & b) | (carry & (a ^ b));
      }
    }
  }

  private static int lane(long[][] planes, int i) {
    int value = 0;
    for (int j = 0; j < planes.length; j++) {
      value |= (int) ((planes[j][i >>> 6] >>> i) & 1L) << j;
    }
    return value;
  }
}
