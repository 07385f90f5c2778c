package org.signsgd.data;

import java.util.random.RandomGenerator;

/**
 * The training augmentation of Mengoli et al. 2025, Table 3, applied to one 28×28 image in [0, 1] before
 * normalisation: center-crop 26 then resize to 28, colour jitter, rotation within ±10°, a further affine
 * rotation within ±5° (torchvision's RandomAffine(degrees=5)). The paper gives no jitter strengths; this uses
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
    double scale = CROP / n;
    double cos = Math.cos(theta);
    double sin = Math.sin(theta);
    double centre = (n - 1) / 2.0;
    float[] out = new float[pixels.length];
    double sum = 0;
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        double dy = r - centre;
        double dx = c - centre;
        double sy = centre + scale * (cos * dy - sin * dx);
        double sx = centre + scale * (sin * dy + cos * dx);
        double v = brightness * bilinear(pixels, n, sy, sx);
        out[r * n + c] = (float) v;
        sum += v;
      }
    }
    double mean = sum / out.length;
    for (int k = 0; k < out.length; k++) {
      pixels[k] = (float) Math.min(1, Math.max(0, (out[k] - mean) * contrast + mean));
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
