package org.signsgd.vote;

import java.io.Serializable;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A vector of signs in {-1, 0, +1}^d packed one bit per coordinate in {@code long} words.
 *
 * <p>Layout: coordinate {@code i} lives in word {@code i >>> 6}, bit {@code i & 63}. The negative plane has a 1 where
 * the sign is -1. The zero plane has a 1 where the sign is 0 and exists only when at least one coordinate is 0 (so a
 * second bit-plane travels only when a worker actually sends a 0); otherwise it is {@code null} and the vector is
 * exactly one bit per coordinate. Bits past {@code d} in the last word are always 0, and no coordinate is set in both
 * planes. Instances are immutable.
 */
public final class SignVector implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Bytes of framing a serialised message carries besides its planes (dimension, plane flags). */
  public static final int HEADER_BYTES = 8;

  private final int dimension;
  private final long[] negative;
  private final long[] zero;

  private SignVector(int dimension, long[] negative, long[] zero) {
    this.dimension = dimension;
    this.negative = negative;
    this.zero = zero;
  }

  /** Number of 64-bit words that hold {@code d} coordinates. */
  public static int wordsFor(int dimension) {
    return (dimension + 63) >>> 6;
  }

  /** Mask of the valid bits of the last word of a {@code d}-coordinate vector. */
  static long tailMask(int dimension) {
    int rem = dimension & 63;
    return rem == 0 ? -1L : (1L << rem) - 1;
  }

  /**
   * Packs sign(values) with sign(0) resolved by {@code rule}; a NaN coordinate is treated as 0.
   *
   * @param rng draws the coin of {@link TieRule#RANDOM} in increasing coordinate order; unused otherwise
   */
  public static SignVector pack(float[] values, TieRule rule, RandomGenerator rng) {
    int d = values.length;
    long[] neg = new long[wordsFor(d)];
    long[] zer = null;
    int full = d >>> 6;
    for (int w = 0; w < neg.length; w++) {
      int base = w << 6;
      int end = w < full ? base + 64 : d;
      // branch-free: the sign bit of every value, and whether any is ±0 or NaN (then the word is redone below,
      // in coordinate order, so that the tie rule's random draws are the same as one value at a time)
      long bits = 0;
      int special = 0;
      for (int i = base; i < end; i++) {
        int raw = Float.floatToRawIntBits(values[i]);
        bits |= (long) (raw >>> 31) << i;
        int a = (raw & 0x7fffffff) - 1;
        special |= (a >>> 31) | ((0x7f7fffff - a) >>> 31);
      }
      if (special == 0) {
        neg[w] = bits;
        continue;
      }
      for (int i = base; i < end; i++) {
        float v = values[i];
        if (v < 0f) {
          neg[w] |= 1L << i;
        } else if (!(v > 0f)) {
          switch (rule) {
            case ZERO -> {
              if (zer == null) {
                zer = new long[neg.length];
              }
              zer[w] |= 1L << i;
            }
            case PLUS -> { }
            case RANDOM -> {
              if (rng.nextBoolean()) {
                neg[w] |= 1L << i;
              }
            }
          }
        }
      }
    }
    return new SignVector(d, neg, zer);
  }

  /** Packs signs given as ints, each -1, 0 or +1 (tests, attacks). */
  public static SignVector ofSigns(int... signs) {
    int d = signs.length;
    long[] neg = new long[wordsFor(d)];
    long[] zer = new long[neg.length];
    for (int i = 0; i < d; i++) {
      switch (signs[i]) {
        case -1 -> neg[i >>> 6] |= 1L << i;
        case 0 -> zer[i >>> 6] |= 1L << i;
        case 1 -> { }
        default -> throw new IllegalArgumentException(
            "sign at coordinate " + i + " is " + signs[i] + "; allowed: -1, 0, +1");
      }
    }
    return new SignVector(d, neg, anySet(zer) ? zer : null);
  }

  /**
   * Builds a vector from its planes (copied). Rejects planes of the wrong length, bits past {@code d} and a
   * coordinate set in both planes, naming the word where that happens.
   */
  public static SignVector fromWords(int dimension, long[] negative, long[] zero) {
    if (dimension < 0) {
      throw new IllegalArgumentException("sign vector dimension is " + dimension + "; allowed: d >= 0");
    }
    int words = wordsFor(dimension);
    checkPlane("negative", negative, words, dimension);
    if (zero != null) {
      checkPlane("zero", zero, words, dimension);
      for (int w = 0; w < words; w++) {
        if ((negative[w] & zero[w]) != 0) {
          throw new IllegalArgumentException("sign vector word " + w
              + " marks a coordinate both negative and zero; allowed: disjoint planes");
        }
      }
    }
    long[] zer = zero != null && anySet(zero) ? zero.clone() : null;
    return new SignVector(dimension, negative.clone(), zer);
  }

  /** All coordinates +1. */
  public static SignVector allPositive(int dimension) {
    return new SignVector(dimension, new long[wordsFor(dimension)], null);
  }

  /** All coordinates 0 (an abstention). */
  public static SignVector allZero(int dimension) {
    long[] zer = new long[wordsFor(dimension)];
    Arrays.fill(zer, -1L);
    if (zer.length > 0) {
      zer[zer.length - 1] &= tailMask(dimension);
    }
    return new SignVector(dimension, new long[zer.length], dimension == 0 ? null : zer);
  }

  private static void checkPlane(String name, long[] plane, int words, int dimension) {
    if (plane == null || plane.length != words) {
      throw new IllegalArgumentException("sign vector " + name + " plane has "
          + (plane == null ? "no" : String.valueOf(plane.length)) + " words; expected " + words
          + " for d=" + dimension);
    }
    if (words > 0 && (plane[words - 1] & ~tailMask(dimension)) != 0) {
      throw new IllegalArgumentException("sign vector " + name + " plane sets bits past d=" + dimension
          + "; allowed: tail bits 0");
    }
  }

  private static boolean anySet(long[] words) {
    for (long w : words) {
      if (w != 0) {
        return true;
      }
    }
    return false;
  }

  public int dimension() {
    return dimension;
  }

  /**
   * Coordinates [from, to) as a vector of their own; {@code from} is a multiple of 64 (a word boundary), so the
   * planes are copied word by word.
   */
  public SignVector slice(int from, int to) {
    if ((from & 63) != 0 || from < 0 || to < from || to > dimension) {
      throw new IllegalArgumentException("sign vector slice [" + from + ", " + to + ") of d=" + dimension
          + "; allowed: from a multiple of 64, from <= to <= d");
    }
    int d = to - from;
    int w0 = from >>> 6;
    int words = wordsFor(d);
    long[] neg = Arrays.copyOfRange(negative, w0, w0 + words);
    long[] zer = zero == null ? null : Arrays.copyOfRange(zero, w0, w0 + words);
    if (words > 0) {
      long mask = tailMask(d);
      neg[words - 1] &= mask;
      if (zer != null) {
        zer[words - 1] &= mask;
      }
    }
    return new SignVector(d, neg, zer != null && anySet(zer) ? zer : null);
  }

  /** The parts one after another; every part but the last has a dimension that is a multiple of 64. */
  public static SignVector concat(java.util.List<SignVector> parts) {
    int d = 0;
    for (int i = 0; i < parts.size(); i++) {
      int pd = parts.get(i).dimension;
      if (i < parts.size() - 1 && (pd & 63) != 0) {
        throw new IllegalArgumentException("sign vector concat: part " + i + " has d=" + pd
            + "; allowed: a multiple of 64 for every part but the last");
      }
      d += pd;
    }
    long[] neg = new long[wordsFor(d)];
    long[] zer = null;
    int w = 0;
    for (SignVector p : parts) {
      System.arraycopy(p.negative, 0, neg, w, p.negative.length);
      if (p.zero != null) {
        if (zer == null) {
          zer = new long[neg.length];
        }
        System.arraycopy(p.zero, 0, zer, w, p.zero.length);
      }
      w += p.negative.length;
    }
    return new SignVector(d, neg, zer);
  }

  public int wordCount() {
    return negative.length;
  }

  /** Word {@code w} of the negative plane. */
  /** The negative plane itself, for the vote kernel (package-private: callers must not write to it). */
  long[] negativeWords() {
    return negative;
  }

  /** The zero plane itself, or null when no coordinate is 0 (package-private, read-only). */
  long[] zeroWords() {
    return zero;
  }

  public long negativeWord(int w) {
    return negative[w];
  }

  /** Word {@code w} of the zero plane (0 when the vector has no zero coordinate). */
  public long zeroWord(int w) {
    return zero == null ? 0L : zero[w];
  }

  public boolean hasZeros() {
    return zero != null;
  }

  /** The sign of coordinate {@code i}: -1, 0 or +1. */
  public int sign(int i) {
    if (i < 0 || i >= dimension) {
      throw new IndexOutOfBoundsException("coordinate " + i + " of a " + dimension + "-dimensional sign vector");
    }
    long bit = 1L << i;
    if ((negative[i >>> 6] & bit) != 0) {
      return -1;
    }
    return zero != null && (zero[i >>> 6] & bit) != 0 ? 0 : 1;
  }

  public int[] toSigns() {
    int[] out = new int[dimension];
    for (int i = 0; i < dimension; i++) {
      out[i] = sign(i);
    }
    return out;
  }

  public float[] toFloats() {
    float[] out = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      out[i] = sign(i);
    }
    return out;
  }

  /** -s: +1 and -1 swap, 0 stays 0. */
  public SignVector negate() {
    long[] neg = new long[negative.length];
    for (int w = 0; w < neg.length; w++) {
      neg[w] = ~negative[w] & ~zeroWord(w);
    }
    if (neg.length > 0) {
      neg[neg.length - 1] &= tailMask(dimension);
    }
    return new SignVector(dimension, neg, zero == null ? null : zero.clone());
  }

  /** Number of coordinates where this and {@code other} have the same sign (0 = 0 counts as equal). */
  public int agreements(SignVector other) {
    requireSameDimension(other);
    int differ = 0;
    for (int w = 0; w < negative.length; w++) {
      differ += Long.bitCount((negative[w] ^ other.negative[w]) | (zeroWord(w) ^ other.zeroWord(w)));
    }
    return dimension - differ;
  }

  /** Bytes this vector costs on the wire: {@link #HEADER_BYTES} plus ceil(d/8) per plane present. */
  public long wireBytes() {
    long plane = (dimension + 7L) >>> 3;
    return HEADER_BYTES + plane * (zero == null ? 1 : 2);
  }

  void requireSameDimension(SignVector other) {
    if (other.dimension != dimension) {
      throw new IllegalArgumentException("sign vectors of different dimension: " + other.dimension
          + " vs " + dimension + "; allowed: equal dimensions");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignVector s && s.dimension == dimension && Arrays.equals(s.negative, negative)
        && Arrays.equals(s.zero, zero);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * dimension + Arrays.hashCode(negative)) + Arrays.hashCode(zero);
  }

  @Override
  public String toString() {
    if (dimension > 32) {
      return "SignVector[d=" + dimension + (zero == null ? "" : ", with zeros") + "]";
    }
    return "SignVector" + Arrays.toString(toSigns());
  }
}
