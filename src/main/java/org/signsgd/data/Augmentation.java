package org.signsgd.data;

import java.util.random.RandomGenerator;

/**
 * The training augmentation of Mengoli et al. 2025, Table 3, applied to one 28×28 image in [0, 1] before
 * normalisation: colour jitter, then center-crop 26 resized to 28, rotation within ±10° and a further affine
 * rotation within ±5° (torchvision's RandomAffine(degrees=5)). The jitter is applied first (Table 3 lists it
 * after the crop; on a centred digit the crop does not change the pixels the jitter sees, but the rotation's
 * zero fill would then be jittered too). The paper gives no jitter strengths; this uses
 * brightness and contrast factors in [0.8, 1.2] (torchvision ColorJitter(0.2, 0.2)). The geometric steps are
 * composed into one inverse map with bilinear sampling and zero fill. Every draw comes from the stream the
 * caller passes, (seed, iteration, worker, AUGMENT), so a batch is the same on any executor.
 */
public final class Augmentation {
  static final double CROP = 26;
  static final double MAX_ROTATION_DEG = 10;
  static final double MAX_AFFINE_DEG = 5;
  static final double JITTER = 0.2;

  private Augmentation() {}

  /** Augments {@code pixels} (28×28, values in [0, 1]) in place. */
  public static void apply(float[] pixels, RandomGenerator rng) {
    int n = ImageDataset.ROWS;
    double theta = Math.toRadians(uniform(rng, MAX_ROTATION_DEG) + uniform(rng, MAX_AFFINE_DEG));
    double brightness = 1 + uniform(rng, JITTER);
    double contrast = 1 + uniform(rng, JITTER);
    // colour jitter on the source, clamped after each step (torchvision's order: brightness, then contrast
    // around the mean of the brightened image)
    float[] src = new float[pixels.length];
    double sum = 0;
    for (int k = 0; k < src.length; k++) {
      src[k] = (float) Math.min(1, brightness * pixels[k]);
      sum += src[k];
    }
    double mean = sum / src.length;
    for (int k = 0; k < src.length; k++) {
      src[k] = (float) Math.min(1, Math.max(0, (src[k] - mean) * contrast + mean));
    }
    // crop 26 + resize 28 and the rotations as one inverse map about the centre, bilinear, zero fill
    double scale = CROP / n;
    double cos = Math.cos(theta);
    double sin = Math.sin(theta);
    double centre = (n - 1) / 2.0;
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        double dy = r - centre;
        double dx = c - centre;
        double sy = centre + scale * (cos * dy - sin * dx);
        double sx = centre + scale * (sin * dy + cos * dx);
        pixels[r * n + c] = (float) bilinear(src, n, sy, sx);
      }
    }
  }

  private static double uniform(RandomGenerator rng, double half) {
    return (2 * rng.nextDouble() - 1) * half;
  }

  private static double bilinear(float[] img, int n, double y, double x) {
    int y0 = (int) Math.floor(y);
    int x0 = (int) Math.floor(x);
    double fy = y - y0;
    double fx = x - x0;
    return (1 - fy) * ((1 - fx) * at(img, n, y0, x0) + fx * at(img, n, y0, x0 + 1))
        + fy * ((1 - fx) * at(img, n, y0 + 1, x0) + fx * at(img, n, y0 + 1, x0 + 1));
  }

  private static double at(float[] img, int n, int y, int x) {
    return y < 0 || x < 0 || y >= n || x >= n ? 0 : img[y * n + x];
  }
}
