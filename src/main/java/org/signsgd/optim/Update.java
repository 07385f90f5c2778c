package org.signsgd.optim;

/**
 * The parameter update every worker replica and the driver apply, identically:
 * x ← x − η (direction + λ x), Akoun and Meyer 2022, Algorithm 1, step 3 (= Bernstein et al. 2019, Algorithm 1):
 * weight decay is added after the sign and is not signed (as both papers' code does). Computed in double per
 * coordinate and stored as float, so every replica gets the same bits.
 */
public final class Update {
  /** Word {@code w} of a packed bit-plane (64 coordinates per word, coordinate i at bit i &amp; 63). */
  @FunctionalInterface
  public interface Words {
    long word(int w);
  }

  private Update() {}

  /** x ← x − η (direction + λ x) for a dense direction. */
  public static void dense(float[] x, float[] direction, double lr, double lambda) {
    if (direction.length != x.length) {
      throw new IllegalArgumentException("update: direction has d=" + direction.length + "; expected d="
          + x.length + " like the parameters");
    }
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (x[i] - lr * (direction[i] + lambda * x[i]));
    }
  }

  /**
   * x ← x − η (s + λ x) for a direction of signs s ∈ {-1, 0, +1}^d given as packed planes: bit 1 in
   * {@code negative} means -1, bit 1 in {@code zero} means 0, neither means +1.
   */
  public static void signs(float[] x, Words negative, Words zero, double lr, double lambda) {
    int d = x.length;
    for (int w = 0, base = 0; base < d; w++, base += 64) {
      long neg = negative.word(w);
      long zer = zero.word(w);
      int end = Math.min(64, d - base);
      for (int b = 0; b < end; b++) {
        // branch-free sign: -1 where the negative bit is set, 0 where the zero bit is, else +1
        double s = 1.0 - 2.0 * ((neg >>> b) & 1L) - ((zer >>> b) & 1L);
        int i = base + b;
        x[i] = (float) (x[i] - lr * (s + lambda * x[i]));
      }
    }
  }
}
