package org.signsgd.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.signsgd.rng.SeedStreams;

/** The Mengoli et al. training augmentation: seeded, in range, a small geometric change. */
class AugmentationTest {
  private static float[] square() {
    float[] img = new float[784];
    for (int r = 10; r < 18; r++) {
      for (int c = 10; c < 18; c++) {
        img[r * 28 + c] = 1f;
      }
    }
    return img;
  }

  @Test
  void sameStreamSameImageOtherStreamOtherImage() {
    float[] a = square();
    float[] b = square();
    float[] c = square();
    Augmentation.apply(a, SeedStreams.of(1, 5, 2, SeedStreams.Purpose.AUGMENT));
    Augmentation.apply(b, SeedStreams.of(1, 5, 2, SeedStreams.Purpose.AUGMENT));
    Augmentation.apply(c, SeedStreams.of(1, 6, 2, SeedStreams.Purpose.AUGMENT));
    assertThat(b).containsExactly(a);
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  void pixelsStayInRangeAndTheCentredSquareStaysCentred() {
    for (int t = 0; t < 50; t++) {
      float[] img = square();
      Augmentation.apply(img, SeedStreams.of(3, t, 0, SeedStreams.Purpose.AUGMENT));
      double mass = 0;
      double rows = 0;
      double cols = 0;
      for (int k = 0; k < img.length; k++) {
        assertThat(img[k]).isBetween(0f, 1f);
        mass += img[k];
        rows += img[k] * (k / 28);
        cols += img[k] * (k % 28);
      }
      // rotation about the centre and the 26→28 rescale keep the square's centre of mass at (13.5, 13.5)
      assertThat(rows / mass).isCloseTo(13.5, org.assertj.core.api.Assertions.within(0.6));
      assertThat(cols / mass).isCloseTo(13.5, org.assertj.core.api.Assertions.within(0.6));
    }
  }
}
