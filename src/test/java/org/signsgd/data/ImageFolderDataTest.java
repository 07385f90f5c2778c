package org.signsgd.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.rng.SeedStreams;

/**
 * Images read and decoded in the task: a greyscale PNG becomes three equal channels, a CMYK JPEG becomes RGB, the
 * evaluation transform gives hand-computed pixels, and an undecodable file is counted and replaced by the same
 * image every time.
 */
class ImageFolderDataTest {
  @TempDir
  Path dir;

  private static float norm(double v255, int channel) {
    return ((float) (v255 / 255) - ImageTransforms.MEAN[channel]) / ImageTransforms.STD[channel];
  }

  /**
   * s = 4: the shorter side becomes round(4·256/224) = round(4.57) = 5, the size of this 5 × 5 image (an identity
   * resize), and CenterCrop(4) starts at round(0.5) = 0 (Python rounds half to even): the top-left 4 × 4 pixels.
   */
  @Test
  void aGreyPngIsThreeEqualChannelsOfItsExactPixels() throws Exception {
    int[][] v = new int[5][5];
    for (int r = 0; r < 5; r++) {
      for (int c = 0; c < 5; c++) {
        v[r][c] = 50 * r + 7 * c;
      }
    }
    TestImages.write(dir.resolve("train/a/1.png"), TestImages.greyPng(v));
    TestImages.write(dir.resolve("val/a/1.png"), TestImages.greyPng(v));
    ImageFolderData data = ImageFolderData.of(dir.toString(), 4, false);
    assertThat(data.inputs()).isEqualTo(48);
    float[] x = new float[48];
    float[] y = new float[1];
    data.test(0, 1, x, y);
    assertThat(y).containsExactly(1f);
    for (int c = 0; c < 3; c++) {
      for (int r = 0; r < 4; r++) {
        for (int col = 0; col < 4; col++) {
          assertThat(x[c * 16 + r * 4 + col]).as("channel %d (%d, %d)", c, r, col)
              .isEqualTo(((v[r][col] / 255f) - ImageTransforms.MEAN[c]) / ImageTransforms.STD[c]);
        }
      }
    }
  }

  /**
   * A 2 × 4 RGB image at s = 3: the shorter side 2 becomes 3, the longer int(3·4/2) = 6, and CenterCrop(3) takes
   * rows 0..2 and columns round(1.5) = 2..4. PIL's bilinear taps for 4 → 6 columns: output 2 is centred at 2.5·2/3
   * = 5/3 and weighs input columns 1 and 2 by 5/6 and 1/6; output 3 by 1/6 and 5/6; output 4 (centre 3) columns 2
   * and 3 by 1/2 each. For 2 → 3 rows: rows 0 and 2 are input rows 0 and 1, row 1 their mean.
   */
  @Test
  void theEvalTransformGivesHandComputedPixels() throws Exception {
    int[][] red = {{0, 60, 120, 240}, {30, 90, 150, 210}};
    TestImages.write(dir.resolve("train/a/1.png"), TestImages.rgb(red, TestImages.fill(2, 4, 0),
        TestImages.fill(2, 4, 255), "png"));
    TestImages.write(dir.resolve("val/a/1.png"), TestImages.solid(2, 4, 0, 0, 0, "png"));
    ImageFolderData data = ImageFolderData.of(dir.toString(), 3, true);
    float[] x = new float[27];
    data.train(new int[] {0}, null, x, new float[1]); // no stream: the evaluation transform
    // row 0: 5/6·60 + 1/6·120 = 70, 1/6·60 + 5/6·120 = 110, (120 + 240)/2 = 180; row 2 from (90, 150, 210):
    // 100, 140, 180; row 1 their mean
    double[] expectedRed = {70, 110, 180, 85, 125, 180, 100, 140, 180};
    for (int k = 0; k < 9; k++) {
      assertThat(x[k]).as("red %d", k).isCloseTo(norm(expectedRed[k], 0), within(1e-5f));
      assertThat(x[9 + k]).as("green %d", k).isCloseTo(norm(0, 1), within(1e-6f));
      assertThat(x[18 + k]).as("blue %d", k).isCloseTo(norm(255, 2), within(1e-5f));
    }
  }

  /** Red, green, black and white quadrants of CMYK ink come out as those RGB colours. */
  @Test
  void aCmykJpegIsDecodedToRgb() throws Exception {
    ImageDecoder.Rgb img = ImageDecoder.decode(TestImages.cmykJpeg());
    assertThat(img.height()).isEqualTo(16);
    int n = 16 * 16;
    int[][] at = {{3, 3}, {3, 12}, {12, 3}, {12, 12}};
    int[][] rgb = {{255, 0, 0}, {0, 255, 0}, {0, 0, 0}, {255, 255, 255}};
    for (int q = 0; q < 4; q++) {
      int k = at[q][0] * 16 + at[q][1];
      for (int c = 0; c < 3; c++) {
        assertThat(img.planes()[c * n + k] * 255).as("quadrant %d channel %d", q, c)
            .isCloseTo(rgb[q][c], within(3f));
      }
    }
  }

  /**
   * Class a holds 0.png (dark), 1.png (truncated), 2.png (light) and 3.jpg (not an image): 1.png is replaced by
   * the next decodable image of its class, 2.png, and 3.jpg wraps around to 0.png; each counts once per use, the
   * same every time, and validation images are replaced but never counted.
   */
  @Test
  void anUndecodableImageIsCountedAndReplacedTheSameWayEveryTime() throws Exception {
    byte[] dark = TestImages.solid(4, 4, 10, 20, 30, "png");
    byte[] light = TestImages.solid(4, 4, 200, 210, 220, "png");
    TestImages.write(dir.resolve("train/a/0.png"), dark);
    TestImages.write(dir.resolve("train/a/1.png"), Arrays.copyOf(light, light.length / 2));
    TestImages.write(dir.resolve("train/a/2.png"), light);
    TestImages.write(dir.resolve("train/a/3.jpg"), "GIF89a, or rather not an image at all".getBytes());
    TestImages.write(dir.resolve("train/b/0.png"), light);
    TestImages.write(dir.resolve("val/a/0.png"), "broken".getBytes());
    TestImages.write(dir.resolve("val/a/1.png"), dark);
    TestImages.write(dir.resolve("val/b/0.png"), light);
    ImageFolderData data = ImageFolderData.of(dir.toString(), 3, false);
    assertThat(data.trainClasses()).containsExactly(0, 0, 0, 0, 1);
    int in = data.inputs();
    float[] x = new float[5 * in];
    float[] y = new float[5 * 2];
    data.takeBadImages();
    data.train(new int[] {1, 3, 0, 2, 4}, null, x, y);
    assertThat(data.takeBadImages()).isEqualTo(2);
    assertThat(data.takeBadImages()).isZero();
    assertThat(Arrays.copyOfRange(x, 0, in)).containsExactly(Arrays.copyOfRange(x, 3 * in, 4 * in)); // 1 -> 2
    assertThat(Arrays.copyOfRange(x, in, 2 * in)).containsExactly(Arrays.copyOfRange(x, 2 * in, 3 * in)); // 3 -> 0
    assertThat(x[0]).isCloseTo(norm(200, 0), within(1e-5f));
    assertThat(x[in]).isCloseTo(norm(10, 0), within(1e-5f));
    assertThat(y).containsExactly(1, 0, 1, 0, 1, 0, 1, 0, 0, 1);

    float[] again = new float[5 * in];
    data.train(new int[] {1, 3, 0, 2, 4}, null, again, new float[10]);
    assertThat(again).containsExactly(x);
    assertThat(data.takeBadImages()).isEqualTo(2);

    float[] test = new float[2 * in];
    data.test(0, 2, test, new float[4]);
    assertThat(Arrays.copyOfRange(test, 0, in)).containsExactly(Arrays.copyOfRange(test, in, 2 * in));
    assertThat(data.takeBadImages()).isZero();
  }

  /** The training transform: the same stream gives the same rows, another stream others, all within range. */
  @Test
  void theTrainTransformIsDeterministicForAStreamAndWithinBounds() throws Exception {
    int h = 30;
    int w = 40;
    int[][][] ch = new int[3][h][w];
    java.util.Random fill = new java.util.Random(7);
    for (int[][] plane : ch) {
      for (int[] row : plane) {
        for (int c = 0; c < w; c++) {
          row[c] = fill.nextInt(256);
        }
      }
    }
    TestImages.write(dir.resolve("train/a/1.png"), TestImages.rgb(ch[0], ch[1], ch[2], "png"));
    TestImages.write(dir.resolve("val/a/1.png"), TestImages.rgb(ch[0], ch[1], ch[2], "png"));
    ImageFolderData data = ImageFolderData.of(dir.toString(), 8, true);
    int[] idx = {0, 0, 0};
    float[] a = new float[3 * data.inputs()];
    float[] b = new float[3 * data.inputs()];
    float[] c = new float[3 * data.inputs()];
    data.train(idx, SeedStreams.of(5, 12, 3, SeedStreams.Purpose.AUGMENT), a, new float[3]);
    data.train(idx, SeedStreams.of(5, 12, 3, SeedStreams.Purpose.AUGMENT), b, new float[3]);
    data.train(idx, SeedStreams.of(5, 13, 3, SeedStreams.Purpose.AUGMENT), c, new float[3]);
    assertThat(b).containsExactly(a);
    assertThat(c).isNotEqualTo(a);
    // the three rows of one batch draw different crops
    assertThat(Arrays.copyOfRange(a, 0, data.inputs())).isNotEqualTo(Arrays.copyOfRange(a, data.inputs(),
        2 * data.inputs()));
    for (int k = 0; k < a.length; k++) {
      int channel = (k % data.inputs()) / 64;
      assertThat(a[k]).isBetween(norm(0, channel) - 1e-5f, norm(255, channel) + 1e-5f);
    }
    // without augmentation the stream is not used: the evaluation transform
    ImageFolderData plain = ImageFolderData.of(dir.toString(), 8, false);
    float[] e1 = new float[plain.inputs()];
    float[] e2 = new float[plain.inputs()];
    plain.train(new int[] {0}, SeedStreams.of(5, 12, 3, SeedStreams.Purpose.AUGMENT), e1, new float[1]);
    plain.test(0, 1, e2, new float[1]);
    assertThat(e1).containsExactly(e2);
  }
}
