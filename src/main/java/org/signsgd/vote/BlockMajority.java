package org.signsgd.vote;

import java.util.Arrays;

/**
 * The driver's majority vote for fewer than 128 messages, in blocks of 512 words (32,768 coordinates) laid out so
 * that the JIT turns every loop into SIMD: for each group of 8 messages one Harley–Seal carry-save adder tree
 * (Harley &amp; Seal; Muła, Kurz &amp; Lemire 2018, "Faster population counts using AVX2 instructions", §3) adds
 * their bits into 7 count planes, each a plain element-wise loop over the block; then S = 2M + Z and the
 * comparisons S &gt; n (negative) and S = n (tied) are one straight-line loop over all 8 bits. Each message word
 * is read once; nothing of size d is written but the result.
 */
final class BlockMajority {
  static final int MAX_MESSAGES = 127;
  private static final int BLOCK = 512;
  private static final int PLANES = 7;

  private BlockMajority() {}

  /**
   * negative and tied words of the vote over the rows (null rows are all zero), n = rows.length &lt;= 127;
   * the last word is not masked.
   */
  static void vote(long[][] minusRows, long[][] zeroRows, int words, long[] negative, long[] tied) {
    int n = minusRows.length;
    long[] none = new long[words];
    long[] m = new long[PLANES * BLOCK];
    long[] z = new long[PLANES * BLOCK];
    for (int w0 = 0; w0 < words; w0 += BLOCK) {
      int len = Math.min(BLOCK, words - w0);
      count(minusRows, none, w0, len, m);
      if (zeroRows != null) {
        count(zeroRows, none, w0, len, z);
      }
      decide(m, z, n, w0, len, negative, tied);
    }
  }

  /**
   * planes[i·7 + j] ← bit j of the count of rows at word w0 + i, i &lt; len: the 7 planes of a word side by side,
   * so that the loop holds one plane pointer besides its 8 message rows (x86-64 has 16 registers).
   */
  private static void count(long[][] rows, long[] none, int w0, int len, long[] p) {
    Arrays.fill(p, 0, len * PLANES, 0L);
    int n = rows.length;
    int q = 0;
    for (; q + 8 <= n; q += 8) {
      long[] r0 = row(rows, q, none);
      long[] r1 = row(rows, q + 1, none);
      long[] r2 = row(rows, q + 2, none);
      long[] r3 = row(rows, q + 3, none);
      long[] r4 = row(rows, q + 4, none);
      long[] r5 = row(rows, q + 5, none);
      long[] r6 = row(rows, q + 6, none);
      long[] r7 = row(rows, q + 7, none);
      for (int i = 0, k = 0; i < len; i++, k += PLANES) {
        int w = w0 + i;
        long ones = p[k];
        long twos = p[k + 1];
        long fours = p[k + 2];
        // full adder (ones, a, b) -> sum in ones, carry in twosA; likewise for each pair
        long a = r0[w];
        long b = r1[w];
        long u = ones ^ a;
        long twosA = (ones & a) | (u & b);
        ones = u ^ b;
        a = r2[w];
        b = r3[w];
        u = ones ^ a;
        long twosB = (ones & a) | (u & b);
        ones = u ^ b;
        u = twos ^ twosA;
        long foursA = (twos & twosA) | (u & twosB);
        twos = u ^ twosB;
        a = r4[w];
        b = r5[w];
        u = ones ^ a;
        twosA = (ones & a) | (u & b);
        ones = u ^ b;
        a = r6[w];
        b = r7[w];
        u = ones ^ a;
        twosB = (ones & a) | (u & b);
        ones = u ^ b;
        u = twos ^ twosA;
        long foursB = (twos & twosA) | (u & twosB);
        twos = u ^ twosB;
        u = fours ^ foursA;
        long eights = (fours & foursA) | (u & foursB);
        fours = u ^ foursB;
        // eights ripples into planes 3..6
        long e = p[k + 3];
        long c = e & eights;
        p[k + 3] = e ^ eights;
        long s = p[k + 4];
        long c2 = s & c;
        p[k + 4] = s ^ c;
        long t = p[k + 5];
        p[k + 5] = t ^ c2;
        p[k + 6] ^= t & c2;
        p[k] = ones;
        p[k + 1] = twos;
        p[k + 2] = fours;
      }
    }
    for (; q < n; q++) {
      long[] r = row(rows, q, none);
      for (int i = 0, k = 0; i < len; i++, k += PLANES) {
        long x = r[w0 + i];
        for (int j = 0; j < PLANES; j++) {
          long c = p[k + j] & x;
          p[k + j] ^= x;
          x = c;
        }
      }
    }
  }

  private static long[] row(long[][] rows, int q, long[] none) {
    return rows[q] == null ? none : rows[q];
  }

  /** S = 2M + Z (8 bits), negative ← S &gt; n, tied ← S = n, for words w0 .. w0+len. */
  private static void decide(long[] m, long[] z, int n, int w0, int len, long[] negative, long[] tied) {
    long n0 = bit(n, 0);
    long n1 = bit(n, 1);
    long n2 = bit(n, 2);
    long n3 = bit(n, 3);
    long n4 = bit(n, 4);
    long n5 = bit(n, 5);
    long n6 = bit(n, 6);
    long n7 = bit(n, 7);
    for (int i = 0, k = 0; i < len; i++, k += PLANES) {
      // S = (M << 1) + Z, bit by bit with a carry
      long s0 = z[k];
      long a = m[k];
      long b = z[k + 1];
      long s1 = a ^ b;
      long c = a & b;
      a = m[k + 1];
      b = z[k + 2];
      long s2 = a ^ b ^ c;
      c = (a & b) | (c & (a ^ b));
      a = m[k + 2];
      b = z[k + 3];
      long s3 = a ^ b ^ c;
      c = (a & b) | (c & (a ^ b));
      a = m[k + 3];
      b = z[k + 4];
      long s4 = a ^ b ^ c;
      c = (a & b) | (c & (a ^ b));
      a = m[k + 4];
      b = z[k + 5];
      long s5 = a ^ b ^ c;
      c = (a & b) | (c & (a ^ b));
      a = m[k + 5];
      b = z[k + 6];
      long s6 = a ^ b ^ c;
      c = (a & b) | (c & (a ^ b));
      long s7 = m[k + 6] ^ c;
      // compare S with n from the top bit: gt where S first exceeds n, eq while equal
      long eq = ~(s7 ^ n7);
      long gt = s7 & ~n7;
      gt |= eq & s6 & ~n6;
      eq &= ~(s6 ^ n6);
      gt |= eq & s5 & ~n5;
      eq &= ~(s5 ^ n5);
      gt |= eq & s4 & ~n4;
      eq &= ~(s4 ^ n4);
      gt |= eq & s3 & ~n3;
      eq &= ~(s3 ^ n3);
      gt |= eq & s2 & ~n2;
      eq &= ~(s2 ^ n2);
      gt |= eq & s1 & ~n1;
      eq &= ~(s1 ^ n1);
      gt |= eq & s0 & ~n0;
      eq &= ~(s0 ^ n0);
      negative[w0 + i] = gt;
      tied[w0 + i] = eq;
    }
  }

  private static long bit(int n, int j) {
    return ((n >>> j) & 1) != 0 ? -1L : 0L;
  }
}
