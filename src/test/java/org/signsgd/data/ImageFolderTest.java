package org.signsgd.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver's listing of an ImageNet-layout folder: classes and files in name order, labels by class, nothing
 * opened (the files here are not images), serialisable; every problem one line naming what, where and the fix.
 */
class ImageFolderTest {
  @TempDir
  Path dir;

  private void touch(String relative) throws IOException {
    Path p = dir.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, "not an image: the listing never opens a file");
  }

  private void layout(String... files) throws IOException {
    for (String f : files) {
      touch(f);
    }
  }

  private String root() {
    return dir.toString();
  }

  @Test
  void classesAndFilesAreSortedByNameAndLabelledByClass() throws Exception {
    layout("train/b/x.jpg", "train/a/2.PNG", "train/a/10.jpg", "train/a/1.JPEG", "train/a/notes.txt",
        "train/a/.hidden.png", "train/c/y.png", "train/_tmp/z.png", "train/readme.txt", "train/a/sub/deeper.png",
        "val/c/v.png", "val/a/u.jpg", "val/b/w.jpeg");
    ImageFolder f = ImageFolder.list(root());
    assertThat(f.root()).isEqualTo("file:" + dir.toAbsolutePath());
    assertThat(f.classes()).containsExactly("a", "b", "c");
    assertThat(f.trainSize()).isEqualTo(5);
    assertThat(f.trainLabels()).containsExactly(0, 0, 0, 1, 2);
    // names sort as strings: "1.JPEG" < "10.jpg" < "2.PNG"
    assertThat(f.trainPath(0)).isEqualTo(f.root() + "/train/a/1.JPEG");
    assertThat(f.trainPath(1)).isEqualTo(f.root() + "/train/a/10.jpg");
    assertThat(f.trainPath(2)).isEqualTo(f.root() + "/train/a/2.PNG");
    assertThat(f.trainPath(3)).isEqualTo(f.root() + "/train/b/x.jpg");
    assertThat(f.trainPath(4)).isEqualTo(f.root() + "/train/c/y.png");
    assertThat(f.valLabels()).containsExactly(0, 1, 2);
    assertThat(f.valPath(2)).isEqualTo(f.root() + "/val/c/v.png");

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(f);
    }
    ImageFolder copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (ImageFolder) in.readObject();
    }
    for (int i = 0; i < 5; i++) {
      assertThat(copy.trainPath(i)).isEqualTo(f.trainPath(i));
    }
    assertThat(copy.classes()).isEqualTo(f.classes());
  }

  /** The same folder as a file: URI lists the same. */
  @Test
  void aFileUriListsLikeThePath() throws Exception {
    layout("train/a/1.png", "val/a/2.png");
    ImageFolder f = ImageFolder.list(dir.toUri().toString());
    assertThat(f.trainPath(0)).isEqualTo(ImageFolder.list(root()).trainPath(0));
  }

  private void assertError(String root, String message) {
    assertThatThrownBy(() -> ImageFolder.list(root)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message).extracting(e -> e.getMessage().lines().count()).isEqualTo(1L);
  }

  @Test
  void everyProblemIsOneLineWithWhatWhereAndTheFix() throws Exception {
    String layout = "expected ROOT/train/<class>/<image>.jpg|.jpeg|.png and the same classes under ROOT/val/";
    Path missing = dir.resolve("none");
    assertError(missing.toString(), "image folder " + missing + ": no such directory; run "
        + "datasets/make-image-folder.sh or set data.dir; " + layout);
    assertError(root(), "image folder " + root() + ": no train/ directory; " + layout);

    Files.createDirectories(dir.resolve("train"));
    touch("train/readme.txt");
    assertError(root(), "image folder " + root() + ": train/ holds no class folder; " + layout);

    layout("train/cat/1.jpg", "train/dog/notes.txt", "val/cat/2.jpg", "val/dog/3.jpg");
    assertError(root(), "image folder " + root() + ": train/dog holds no .jpg, .jpeg or .png file; add its "
        + "images or remove the folder (from train/ and val/)");

    layout("train/dog/1.png", "train/emu/1.png", "val/emu/1.png");
    Files.delete(dir.resolve("val/dog/3.jpg"));
    Files.delete(dir.resolve("val/dog"));
    assertError(root(), "image folder " + root() + ": val/ lacks class 'dog' of train/; give val/ the class "
        + "folders of train/");
    layout("val/dog/1.png", "val/ant/1.png");
    assertError(root(), "image folder " + root() + ": val/ has class 'ant', which train/ lacks; give val/ the "
        + "class folders of train/");
    Files.delete(dir.resolve("val/ant/1.png"));
    Files.delete(dir.resolve("val/ant"));
    assertThat(ImageFolder.list(root()).classes()).containsExactly("cat", "dog", "emu");

    assertError("foo://host/data", "image folder foo://host/data: no Hadoop file system for scheme 'foo'; use a "
        + "local path or a file:, hdfs: or s3a: URI (s3a needs hadoop-aws on the classpath)");
  }

  @Test
  void aUriIsKeptAndALocalPathIsMadeAbsolute() {
    assertThat(ImageFolder.hasScheme("hdfs:///data/mnist")).isTrue();
    assertThat(ImageFolder.hasScheme("s3a://bucket/imagenet")).isTrue();
    assertThat(ImageFolder.hasScheme("data/mnist")).isFalse();
    assertThat(ImageFolder.hasScheme("/abs/a:b")).isFalse();
    assertThat(HadoopFiles.normalise("hdfs://nn:8020/a/../b")).isEqualTo("hdfs://nn:8020/a/../b");
    assertThat(HadoopFiles.normalise("x/../y")).isEqualTo(Path.of("y").toAbsolutePath().toString());
  }
}
