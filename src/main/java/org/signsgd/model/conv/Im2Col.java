package org.signsgd.model.conv;

import java.util.Arrays;

/**
 * The column layout of one image for a convolution as a matrix product (Chellapilla, Puri &amp; Simard 2006,
 * "High performance convolutional neural networks for document processing"): row (c, i, j) of
 * col[C·kh·kw][oh·ow] holds input pixel x[c][y·sh + i − ph][x·sw + j − pw] at column (y, x), zero outside the
 * image, for y &lt; oh = ⌊(h + 2·ph − kh)/sh⌋ + 1 and x &lt; ow = ⌊(w + 2·pw − kw)/sw⌋ + 1 (DL4J's Truncate
 * arithmetic: input rows and columns past the last whole window are never read). Any kernel, stride and padding;
 * with stride 1 every (c, i, j, y) is one contiguous run of the input row, so the expansion is block copies, and
 * with a larger stride a strided gather. The input may have any strides whose innermost one is 1 (a permuted
 * view is read in place).
 */
final class Im2Col {
  private Im2Col() {}

  /** Geometry of one convolution; {@code kernel} is (kh, kw), {@code stride} (sh, sw), {@code pad} (ph, pw). */
  record Shape(int channels, int height, int width, int kh, int kw, int sh, int sw, int ph, int pw) {
    int outHeight() {
      return (height + 2 * ph - kh) / sh + 1;
    }

    int outWidth() {
      return (width + 2 * pw - kw) / sw + 1;
    }

    int rows() {
      return channels * kh * kw;
    }

    int columns() {
      return outHeight() * outWidth();
    }
  }

  /** col ← im2col(x) for the image at {@code base}, channel stride {@code sc}, row stride {@code sy}. */
  static void expand(float[] x, int base, int sc, int sy, Shape s, float[] col) {
    int oh = s.outHeight();
    int ow = s.outWidth();
    int row = 0;
    for (int c = 0; c < s.channels(); c++) {
      for (int i = 0; i < s.kh(); i++) {
        for (int j = 0; j < s.kw(); j++, row++) {
          int x0 = firstX(j, s);
          int x1 = endX(j, s, ow);
          for (int y = 0; y < oh; y++) {
            int dst = (row * oh + y) * ow;
            int yy = y * s.sh() + i - s.ph();
            if (yy < 0 || yy >= s.height() || x1 <= x0) {
              Arrays.fill(col, dst, dst + ow, 0f);
              continue;
            }
            int src = base + c * sc + yy * sy;
            Arrays.fill(col, dst, dst + x0, 0f);
            if (s.sw() == 1) {
              System.arraycopy(x, src + x0 + j - s.pw(), col, dst + x0, x1 - x0);
            } else {
              for (int xo = x0; xo < x1; xo++) {
                col[dst + xo] = x[src + xo * s.sw() + j - s.pw()];
              }
            }
            Arrays.fill(col, dst + x1, dst + ow, 0f);
          }
        }
      }
    }
  }

  /** The same for double precision. */
  static void expand(double[] x, int base, int sc, int sy, Shape s, double[] col) {
    int oh = s.outHeight();
    int ow = s.outWidth();
    int row = 0;
    for (int c = 0; c < s.channels(); c++) {
      for (int i = 0; i < s.kh(); i++) {
        for (int j = 0; j < s.kw(); j++, row++) {
          int x0 = firstX(j, s);
          int x1 = endX(j, s, ow);
          for (int y = 0; y < oh; y++) {
            int dst = (row * oh + y) * ow;
            int yy = y * s.sh() + i - s.ph();
            if (yy < 0 || yy >= s.height() || x1 <= x0) {
              Arrays.fill(col, dst, dst + ow, 0d);
              continue;
            }
            int src = base + c * sc + yy * sy;
            Arrays.fill(col, dst, dst + x0, 0d);
            if (s.sw() == 1) {
              System.arraycopy(x, src + x0 + j - s.pw(), col, dst + x0, x1 - x0);
            } else {
              for (int xo = x0; xo < x1; xo++) {
                col[dst + xo] = x[src + xo * s.sw() + j - s.pw()];
              }
            }
            Arrays.fill(col, dst + x1, dst + ow, 0d);
          }
        }
      }
    }
  }

  /** dx[c][h][w] += the column gradient scattered back: the adjoint of {@link #expand}; dx is c-contiguous. */
  static void accumulate(float[] col, Shape s, float[] dx, int base) {
    int oh = s.outHeight();
    int ow = s.outWidth();
    int hw = s.height() * s.width();
    int row = 0;
    for (int c = 0; c < s.channels(); c++) {
      for (int i = 0; i < s.kh(); i++) {
        for (int j = 0; j < s.kw(); j++, row++) {
          int x0 = firstX(j, s);
          int x1 = endX(j, s, ow);
          for (int y = 0; y < oh; y++) {
            int yy = y * s.sh() + i - s.ph();
            if (yy < 0 || yy >= s.height()) {
              continue;
            }
            int src = (row * oh + y) * ow;
            int dst = base + c * hw + yy * s.width() + j - s.pw();
            for (int xo = x0; xo < x1; xo++) {
              dx[dst + xo * s.sw()] += col[src + xo];
            }
          }
        }
      }
    }
  }

  /** The same for double precision. */
  static void accumulate(double[] col, Shape s, double[] dx, int base) {
    int oh = s.outHeight();
    int ow = s.outWidth();
    int hw = s.height() * s.width();
    int row = 0;
    for (int c = 0; c < s.channels(); c++) {
      for (int i = 0; i < s.kh(); i++) {
        for (int j = 0; j < s.kw(); j++, row++) {
          int x0 = firstX(j, s);
          int x1 = endX(j, s, ow);
          for (int y = 0; y < oh; y++) {
            int yy = y * s.sh() + i - s.ph();
            if (yy < 0 || yy >= s.height()) {
              continue;
            }
            int src = (row * oh + y) * ow;
            int dst = base + c * hw + yy * s.width() + j - s.pw();
            for (int xo = x0; xo < x1; xo++) {
              dx[dst + xo * s.sw()] += col[src + xo];
            }
          }
        }
      }
    }
  }

  /** First output column whose input column x·sw + j − pw is ≥ 0. */
  private static int firstX(int j, Shape s) {
    int need = s.pw() - j;
    return need <= 0 ? 0 : (need + s.sw() - 1) / s.sw();
  }

  /** One past the last output column whose input column is &lt; width. */
  private static int endX(int j, Shape s, int ow) {
    int limit = s.width() + s.pw() - j; // need x·sw < limit
    if (limit <= 0) {
      return 0;
    }
    return Math.min(ow, (limit + s.sw() - 1) / s.sw());
  }
}
