package org.signsgd.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** Provenance: the versions a run used and the git commit, when the working directory is a checkout. */
final class Versions {
  private Versions() {}

  static String describe(SparkSession spark) {
    String project = Versions.class.getPackage().getImplementationVersion();
    return "signsgd-spark " + (project == null ? "dev" : project) + ", Spark " + spark.version() + ", Java "
        + System.getProperty("java.version");
  }

  static String gitCommit() {
    try {
      Path head = Path.of(".git", "HEAD");
      if (!Files.isRegularFile(head)) {
        return null;
      }
      String ref = Files.readString(head).trim();
      if (ref.startsWith("ref: ")) {
        Path file = Path.of(".git").resolve(ref.substring(5));
        return Files.isRegularFile(file) ? Files.readString(file).trim() : null;
      }
      return ref;
    } catch (IOException e) {
      return null;
    }
  }
}
