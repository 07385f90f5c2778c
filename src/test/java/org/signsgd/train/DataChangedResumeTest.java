package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.data.ImageDataset;
import org.signsgd.data.ImageFolderWriter;
import org.signsgd.data.MnistFixture;
import org.signsgd.job.JobSpec;

/**
 * A run over an image folder keeps the folder's listing in its resume points, and a resume over a folder whose
 * listing changed (an image added, removed or renamed) is refused in one line instead of silently training on other
 * images: the run's settings, which name only the folder, cannot tell.
 */
class DataChangedResumeTest {
  @TempDir
  Path dir;

  private static final String JOB = """
      name: data-changed
      seed: 1
      model: {name: resnet18, conv: dl4j}
      data: {name: image-folder, dir: DIR, image_size: 32}
      workers: 3
      batch_size: 2
      iterations: 2
      aggregator: {name: majority-vote}
      """;

  private Driver driver(Path folder) throws Exception {
    JobSpec spec = TestJobs.one(dir, JOB.replace("DIR", "'" + folder + "'"));
    return new Driver(spec);
  }

  @Test
  void aResumeOverAnotherListingIsRefused() throws Exception {
    Path folder = dir.resolve("folder");
    ImageFolderWriter.write(ImageDataset.load(MnistFixture.dir().toString()), folder, "png", 1, 1);
    ResumePoint.DriverState point = driver(folder).state(1, null, 0.1, false);
    // one training and one validation image per digit
    assertThat(point.data()).matches("10 training and 10 validation images, listing [0-9a-f]{16}");

    // the same images elsewhere are the same data: the listing holds no root
    Path copy = dir.resolve("copy");
    copyTree(folder, copy);
    driver(copy).restore(point, false);

    Path added = changed(folder, "added", "train/3", one -> Files.copy(one, one.resolveSibling("zz-another.png")));
    Driver over = driver(added);
    assertThatThrownBy(() -> over.restore(point, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--resume: the data of ")
        .hasMessageContaining("changed since its resume point before iteration 1: it read " + point.data()
            + "; image-folder " + added + " now has 11 training and 10 validation images, listing ")
        .hasMessageEndingWith("; resume over the images it started with, or run the job again without --resume "
            + "(the run starts over from iteration 0)")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));

    // a renamed image changes the listing too, with the same counts
    Path renamed = changed(folder, "renamed", "val/7", one -> Files.move(one, one.resolveSibling("renamed.png")));
    Driver moved = driver(renamed);
    assertThatThrownBy(() -> moved.restore(point, false)).hasMessageContaining(
        "image-folder " + renamed + " now has 10 training and 10 validation images, listing ");

    // a point written before listings were kept continues as before
    over.restore(new ResumePoint.DriverState(point.next(), point.x(), null, 0.1, null, null), false);
  }

  /** A file operation that may fail. */
  private interface Change {
    void on(Path image) throws Exception;
  }

  /** A copy of {@code folder} named {@code name} with {@code change} applied to the first image of {@code sub}. */
  private Path changed(Path folder, String name, String sub, Change change) throws Exception {
    Path copy = dir.resolve(name);
    copyTree(folder, copy);
    try (var files = Files.list(copy.resolve(sub))) {
      change.on(files.findFirst().orElseThrow());
    }
    return copy;
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (var walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
  }
}
