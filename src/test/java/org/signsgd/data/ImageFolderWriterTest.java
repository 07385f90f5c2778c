package org.signsgd.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MNIST written as an image folder: the idx pixels and labels, each class's first images, kept when complete. */
class ImageFolderWriterTest {
  @TempDir
  Path dir;

  @Test
  void pngFoldersHoldTheIdxPixelsAndAreKeptWhenComplete() throws Exception {
    ImageDataset mnist = ImageDataset.load(MnistFixture.dir());
    Path out = dir.resolve("mnist-png");
    assertThat(ImageFolderWriter.write(mnist, out, "png", 3, 2)).isTrue();
    ImageFolder f = ImageFolder.list(out.toString());
    assertThat(f.classes()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    assertThat(f.trainSize()).isEqualTo(30);
    assertThat(f.valSize()).isEqualTo(20);
    // MNIST's training set starts 5, 0, 4, 1, 9, 2, 1, 3, 1, 4, 3, 5: class 5's first image is index 0,
    // class 1's are 3, 6 and 8
    assertThat(f.trainPath(15)).endsWith("/train/5/00000.png");
    assertThat(f.trainPath(3)).endsWith("/train/1/00003.png");
    assertThat(f.trainPath(5)).endsWith("/train/1/00008.png");
    ImageDecoder.Rgb img = ImageDecoder.decode(Files.readAllBytes(out.resolve("train/5/00000.png")));
    byte[] raw = mnist.rawImage(true, 0);
    for (int c = 0; c < 3; c++) {
      for (int k = 0; k < raw.length; k++) {
        assertThat(img.planes()[c * raw.length + k]).isEqualTo((raw[k] & 0xff) / 255f);
      }
    }

    FileTime before = Files.getLastModifiedTime(out.resolve("train/5/00000.png"));
    assertThat(ImageFolderWriter.write(mnist, out, "png", 3, 2)).isFalse();
    assertThat(Files.getLastModifiedTime(out.resolve("train/5/00000.png"))).isEqualTo(before);
    assertThatThrownBy(() -> ImageFolderWriter.write(mnist, out, "jpg", 3, 2)).hasMessage(out + " holds an "
        + "image folder made with format=png per_class_train=3 per_class_val=2, not format=jpg per_class_train=3 "
        + "per_class_val=2; remove it or choose another output");
    Path other = Files.createDirectories(dir.resolve("other"));
    Files.writeString(other.resolve("notes.txt"), "mine");
    assertThatThrownBy(() -> ImageFolderWriter.write(mnist, other, "png", 1, 1)).hasMessage(other + " exists and "
        + "is not a complete image folder (no _COMPLETE); remove it or choose another output");
    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("mnist-png", "other");
    }
  }

  @Test
  void jpegFoldersDecodeCloseToTheIdxPixels() throws Exception {
    ImageDataset mnist = ImageDataset.load(MnistFixture.dir());
    Path out = dir.resolve("mnist-jpg");
    ImageFolderWriter.write(mnist, out, "jpg", 1, 1);
    ImageDecoder.Rgb img = ImageDecoder.decode(Files.readAllBytes(out.resolve("train/5/00000.jpg")));
    byte[] raw = mnist.rawImage(true, 0);
    double error = 0;
    for (int k = 0; k < raw.length; k++) {
      error += Math.abs(img.planes()[k] - (raw[k] & 0xff) / 255f);
    }
    assertThat(error / raw.length).isCloseTo(0, within(0.02));
  }
}
