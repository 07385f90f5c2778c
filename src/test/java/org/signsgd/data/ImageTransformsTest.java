package org.signsgd.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.signsgd.rng.SeedStreams;

/** PIL's bilinear taps and torchvision's RandomResizedCrop box, on hand-worked cases. */
class ImageTransformsTest {
  /**
   * Downscaling 4 → 2 stretches the triangle to support 2: output 0 is centred at 1 and takes inputs 0, 1, 2
   * with raw weights 0.75, 0.75, 0.25 (renormalised: 3/7, 3/7, 1/7); output 1 (centre 3) inputs 1, 2, 3 with
   * 1/7, 3/7, 3/7. A plain bilinear (no antialiasing) would average inputs 0 and 1 only.
   */
  @Test
  void downscalingUsesPilsAntialiasedTaps() {
    ImageTransforms.Taps t = ImageTransforms.Taps.of(4, 2, 0, 2);
    assertThat(t.first()).containsExactly(0, 1);
    assertThat(t.count()).containsExactly(3, 3);
    double[] w = t.weights();
    int s = t.size();
    assertThat(new double[] {w[0], w[1], w[2]}).containsExactly(new double[] {3 / 7.0, 3 / 7.0, 1 / 7.0},
        within(1e-15));
    assertThat(new double[] {w[s], w[s + 1], w[s + 2]}).containsExactly(new double[] {1 / 7.0, 3 / 7.0, 3 / 7.0},
        within(1e-15));
  }

  /** The same size is the identity: one tap of weight 1 per output. */
  @Test
  void anUnchangedSizeIsTheIdentity() {
    ImageTransforms.Taps t = ImageTransforms.Taps.of(5, 5, 0, 5);
    for (int i = 0; i < 5; i++) {
      assertThat(t.first()[i]).isEqualTo(i);
      assertThat(t.weights()[i * t.size()]).isEqualTo(1.0);
      for (int k = 1; k < t.count()[i]; k++) {
        assertThat(t.weights()[i * t.size() + k]).isZero();
      }
    }
  }

  /**
   * A 1-pixel-high strip: every attempted box is at least 2 high (area ≥ 8 % of 100, ratio ≤ 4/3), so all ten
   * attempts fail and the fallback clamps the ratio: h = 1, w = round(4/3) = 1, centred at column (100 − 1) // 2.
   */
  @Test
  void tenFailedAttemptsFallBackToTheCentredClampedBox() {
    for (int seed = 0; seed < 5; seed++) {
      RandomGenerator rng = SeedStreams.of(seed, 0, 0, SeedStreams.Purpose.AUGMENT);
      assertThat(ImageTransforms.cropBox(1, 100, rng)).containsExactly(0, 49, 1, 1);
      assertThat(ImageTransforms.cropBox(100, 1, rng)).containsExactly(49, 0, 1, 1);
    }
    // a 30 × 30 image where no box can fail is never the fallback for this stream's first draw
    int[] box = ImageTransforms.cropBox(30, 30, SeedStreams.of(1, 0, 0, SeedStreams.Purpose.AUGMENT));
    assertThat(box[2] * box[3]).isLessThan(900);
  }

  /** Boxes fit the image, cover 8–100 % of it and keep the aspect ratio in [3/4, 4/3] up to rounding. */
  @Test
  void boxesStayWithinTheImageTheScaleAndTheRatio() {
    RandomGenerator rng = SeedStreams.of(11, 0, 0, SeedStreams.Purpose.AUGMENT);
    for (int k = 0; k < 2000; k++) {
      int[] b = ImageTransforms.cropBox(375, 500, rng);
      assertThat(b[0]).isBetween(0, 375 - b[2]);
      assertThat(b[1]).isBetween(0, 500 - b[3]);
      double area = (double) b[2] * b[3] / (375 * 500);
      assertThat(area).isBetween(0.075, 1.0);
      double ratio = (double) b[3] / b[2];
      assertThat(ratio).isBetween(0.74, 1.35);
    }
  }
}
