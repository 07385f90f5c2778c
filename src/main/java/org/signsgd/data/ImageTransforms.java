package org.signsgd.data;

import java.util.random.RandomGenerator;

/**
 * The ImageNet transforms of torchvision's reference training recipe (the recipe of He, Zhang, Ren, Sun, "Deep
 * Residual Learning for Image Recognition", CVPR 2016, §3.4, as torchvision's {@code references/classification}
 * implements it), from decoded RGB planes in [0, 1] to a normalised s × s CHW row:
 * <ul>
 *   <li>training: {@code RandomResizedCrop(s)} (a box of 8–100 % of the area and aspect ratio in [3/4, 4/3],
 *       log-uniform; up to 10 attempts, then a centre crop clamped to that ratio range, as
 *       {@code RandomResizedCrop.get_params} does), resized to s × s, then {@code RandomHorizontalFlip(0.5)};</li>
 *   <li>evaluation: {@code Resize(round(s·256/224))} (the shorter side) and {@code CenterCrop(s)};</li>
 *   <li>both: {@code Normalize} with the ImageNet mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225).</li>
 * </ul>
 * Resizing is PIL's bilinear resampling, which torchvision uses for PIL images (and its tensor path with
 * {@code antialias=True}): a separable triangle filter whose support widens with the downscaling factor (an
 * antialiasing filter), weights renormalised at the borders, horizontal pass first. It is computed in float from
 * [0, 1] values, without PIL's rounding to 8 bits between the passes. Python's {@code round} (half to even) is
 * {@link Math#rint}. Every random draw comes from the stream the caller passes, in a fixed order.
 */
final class ImageTransforms {
  static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  static final float[] STD = {0.229f, 0.224f, 0.225f};
  static final double MIN_SCALE = 0.08;
  static final double MIN_RATIO = 3.0 / 4;
  static final double MAX_RATIO = 4.0 / 3;
  static final int ATTEMPTS = 10;

  private ImageTransforms() {}

  /** The training transform of {@code img} into {@code out[offset, offset + 3·s·s)}. */
  static void train(ImageDecoder.Rgb img, int s, RandomGenerator rng, float[] out, int offset) {
    int[] box = cropBox(img.height(), img.width(), rng);
    boolean flip = rng.nextDouble() < 0.5;
    resample(img, box[0], box[1], box[2], box[3], s, s, 0, 0, s, flip, out, offset);
    normalise(out, offset, s);
  }

  /** The evaluation transform of {@code img} into {@code out[offset, offset + 3·s·s)}. */
  static void eval(ImageDecoder.Rgb img, int s, float[] out, int offset) {
    int shorter = (int) Math.rint(s * 256.0 / 224);
    int h = img.height();
    int w = img.width();
    // torchvision's Resize(int): the shorter side becomes `shorter`, the longer int(shorter · long / short)
    int outH = w <= h ? (int) ((double) shorter * h / w) : shorter;
    int outW = w <= h ? shorter : (int) ((double) shorter * w / h);
    int top = (int) Math.rint((outH - s) / 2.0);
    int left = (int) Math.rint((outW - s) / 2.0);
    resample(img, 0, 0, h, w, outH, outW, top, left, s, false, out, offset);
    normalise(out, offset, s);
  }

  /**
   * RandomResizedCrop's box {top, left, height, width} (torchvision {@code RandomResizedCrop.get_params}):
   * draws, per attempt, the area fraction U(0.08, 1), the log aspect ratio U(log 3/4, log 4/3), and for a box that
   * fits, its top and left uniformly among the positions that fit.
   */
  static int[] cropBox(int height, int width, RandomGenerator rng) {
    double area = (double) height * width;
    double logLo = Math.log(MIN_RATIO);
    double logHi = Math.log(MAX_RATIO);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      double target = area * (MIN_SCALE + (1 - MIN_SCALE) * rng.nextDouble());
      double ratio = Math.exp(logLo + (logHi - logLo) * rng.nextDouble());
      int w = (int) Math.rint(Math.sqrt(target * ratio));
      int h = (int) Math.rint(Math.sqrt(target / ratio));
      if (0 < w && w <= width && 0 < h && h <= height) {
        int top = rng.nextInt(height - h + 1);
        int left = rng.nextInt(width - w + 1);
        return new int[] {top, left, h, w};
      }
    }
    double inRatio = (double) width / height;
    int w = width;
    int h = height;
    if (inRatio < MIN_RATIO) {
      h = (int) Math.rint(w / MIN_RATIO);
    } else if (inRatio > MAX_RATIO) {
      w = (int) Math.rint(h * MAX_RATIO);
    }
    return new int[] {(height - h) / 2, (width - w) / 2, h, w};
  }

  /**
   * Rows [r0, r0 + s) and columns [c0, c0 + s) of the box (top, left, h, w) of {@code img} resized to outH × outW,
   * mirrored left-right when {@code flip}, into {@code out} as CHW planes of s × s.
   */
  static void resample(ImageDecoder.Rgb img, int top, int left, int h, int w, int outH, int outW, int r0,
      int c0, int s, boolean flip, float[] out, int offset) {
    Taps cols = Taps.of(w, outW, c0, s);
    Taps rows = Taps.of(h, outH, r0, s);
    int firstRow = rows.first[0];
    int lastRow = rows.first[s - 1] + rows.count[s - 1];
    int n = img.height() * img.width();
    float[] tmp = new float[(lastRow - firstRow) * s];
    for (int c = 0; c < 3; c++) {
      int plane = c * n;
      for (int y = firstRow; y < lastRow; y++) { // horizontal pass over the rows the vertical pass needs
        int src = plane + (top + y) * img.width() + left;
        for (int x = 0; x < s; x++) {
          double v = 0;
          for (int k = 0; k < cols.count[x]; k++) {
            v += cols.weights[x * cols.size + k] * img.planes()[src + cols.first[x] + k];
          }
          tmp[(y - firstRow) * s + x] = (float) v;
        }
      }
      int dst = offset + c * s * s;
      for (int y = 0; y < s; y++) {
        for (int x = 0; x < s; x++) {
          double v = 0;
          for (int k = 0; k < rows.count[y]; k++) {
            v += rows.weights[y * rows.size + k] * tmp[(rows.first[y] + k - firstRow) * s + x];
          }
          out[dst + y * s + (flip ? s - 1 - x : x)] = (float) v;
        }
      }
    }
  }

  private static void normalise(float[] out, int offset, int s) {
    for (int c = 0; c < 3; c++) {
      int from = offset + c * s * s;
      for (int k = from; k < from + s * s; k++) {
        out[k] = (out[k] - MEAN[c]) / STD[c];
      }
    }
  }

  /**
   * PIL's bilinear filter taps ({@code precompute_coeffs} in Pillow's Resample.c) for outputs [from, from + n) of
   * a resize from {@code in} to {@code outSize} samples: output i is centred at (i + 0.5)·scale, the triangle
   * filter is stretched by max(scale, 1), and the taps that fall inside the image are renormalised to sum 1.
   */
  record Taps(int[] first, int[] count, double[] weights, int size) {
    static Taps of(int in, int outSize, int from, int n) {
      double scale = (double) in / outSize;
      double stretch = Math.max(scale, 1);
      double support = stretch; // the triangle's support is 1
      int size = (int) Math.ceil(support) * 2 + 1;
      int[] first = new int[n];
      int[] count = new int[n];
      double[] weights = new double[n * size];
      for (int i = 0; i < n; i++) {
        double centre = (from + i + 0.5) * scale;
        int lo = Math.max(0, (int) (centre - support + 0.5)); // (int) truncates toward 0, as C's cast
        int hi = Math.min(in, (int) (centre + support + 0.5));
        double sum = 0;
        for (int x = lo; x < hi; x++) {
          double wgt = Math.max(0, 1 - Math.abs((x - centre + 0.5) / stretch));
          weights[i * size + x - lo] = wgt;
          sum += wgt;
        }
        for (int x = lo; x < hi && sum != 0; x++) {
          weights[i * size + x - lo] /= sum;
        }
        first[i] = lo;
        count[i] = hi - lo;
      }
      return new Taps(first, count, weights, size);
    }
  }
}
