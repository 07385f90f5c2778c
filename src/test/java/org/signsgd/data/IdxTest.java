package org.signsgd.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The idx reader: headers checked, plain and gzipped files, one-line errors naming the file. */
class IdxTest {
  @TempDir
  Path dir;

  private Path write(String name, int magic, int[] dims, byte[] data, boolean gzip) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(magic);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.write(data);
    }
    Path file = dir.resolve(name);
    try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
      out.write(bytes.toByteArray());
    }
    return file;
  }

  @Test
  void readsPlainAndGzippedImagesAndLabels() throws IOException {
    byte[] pixels = {0, 1, 2, 3, 4, 5, 6, 7, (byte) 255, 9, 10, 11};
    Path plain = write("i", Idx.IMAGES_MAGIC, new int[] {3, 2, 2}, pixels, false);
    Path gz = write("i.gz", Idx.IMAGES_MAGIC, new int[] {3, 2, 2}, pixels, true);
    assertThat(Idx.images(plain, 3, 2, 2)).containsExactly(pixels);
    assertThat(Idx.images(gz, 3, 2, 2)).containsExactly(pixels);
    Path labels = write("l", Idx.LABELS_MAGIC, new int[] {4}, new byte[] {9, 0, 3, 3}, true);
    assertThat(Idx.labels(labels, 4, 10)).containsExactly(9, 0, 3, 3);
  }

  @Test
  void wrongFilesAreOneLineErrorsNamingTheFileAndTheExpectation() throws IOException {
    Path labelsAsImages = write("a", Idx.LABELS_MAGIC, new int[] {4}, new byte[4], false);
    assertThatThrownBy(() -> Idx.images(labelsAsImages, 4, 2, 2)).hasMessage(labelsAsImages
        + ": magic number 0x00000801; expected 0x00000803 (images idx file)");
    Path small = write("b", Idx.IMAGES_MAGIC, new int[] {5, 28, 28}, new byte[5 * 784], false);
    assertThatThrownBy(() -> Idx.images(small, 60_000, 28, 28)).hasMessage(small
        + ": dimension 0 is 5; expected 60000");
    Path truncated = write("c", Idx.IMAGES_MAGIC, new int[] {2, 2, 2}, new byte[7], true);
    assertThatThrownBy(() -> Idx.images(truncated, 2, 2, 2)).hasMessage(truncated
        + ": truncated; expected 8 data bytes after the header");
    Path longer = write("d", Idx.LABELS_MAGIC, new int[] {2}, new byte[3], false);
    assertThatThrownBy(() -> Idx.labels(longer, 2, 10)).hasMessage(longer
        + ": longer than its header says (2 data bytes)");
    Path badLabel = write("e", Idx.LABELS_MAGIC, new int[] {2}, new byte[] {1, 12}, false);
    assertThatThrownBy(() -> Idx.labels(badLabel, 2, 10)).hasMessage(badLabel
        + ": label 12 at index 1; expected 0..9");
    // an unsigned byte: 200, not -56
    Path label200 = write("e200", Idx.LABELS_MAGIC, new int[] {2}, new byte[] {1, (byte) 200}, false);
    assertThatThrownBy(() -> Idx.labels(label200, 2, 10)).hasMessage(label200
        + ": label 200 at index 1; expected 0..9");
    assertThatThrownBy(() -> Idx.labels(dir.resolve("none"), 2, 10)).hasMessage(dir.resolve("none")
        + ": no such file");
    Path empty = Files.write(dir.resolve("f"), new byte[2]);
    assertThatThrownBy(() -> Idx.labels(empty, 2, 10)).hasMessage(empty + ": truncated header; expected an idx "
        + "file");
    Path shortHeader = write("g", Idx.IMAGES_MAGIC, new int[] {3}, new byte[0], false);
    assertThatThrownBy(() -> Idx.images(shortHeader, 3, 28, 28)).hasMessage(shortHeader
        + ": truncated header; expected 3 dimensions");
  }

  @Test
  void mnistHasItsKnownFirstSamples() {
    ImageDataset mnist = ImageDataset.load(MnistFixture.dir());
    assertThat(mnist.trainLabels()).hasSize(60_000);
    assertThat(mnist.trainLabels()[0]).isEqualTo((byte) 5);
    assertThat(mnist.testLabels()[0]).isEqualTo((byte) 7);
    float[] img = new float[784];
    mnist.trainImage(0, ImageDataset.MEAN, ImageDataset.STD, img, 0);
    // background pixels are (0 − 0.1307) / 0.3081; ink reaches (1 − 0.1307) / 0.3081
    assertThat(img[0]).isEqualTo((0f - 0.1307f) / 0.3081f);
    float max = Float.NEGATIVE_INFINITY;
    for (float v : img) {
      max = Math.max(max, v);
    }
    assertThat(max).isEqualTo((1f - 0.1307f) / 0.3081f);
  }
}
