package org.signsgd.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.fs.FileStatus;

/**
 * Files named by a location string: a local path (no scheme), read with {@code java.nio}, or a URI with a scheme
 * ({@code file:}, {@code hdfs:}, {@code s3a:}, ...), read through Hadoop's {@link org.apache.hadoop.fs.FileSystem}
 * with a default configuration ({@link ImageFolder#fileSystem}, which makes an unknown scheme one line).
 */
final class HadoopFiles {
  private HadoopFiles() {}

  /** A local location as an absolute, normalised path; a URI as it is. */
  static String normalise(String location) {
    return ImageFolder.hasScheme(location) ? location : Path.of(location).toAbsolutePath().normalize().toString();
  }

  /** {@code name} inside the directory {@code dir}. */
  static String resolve(String dir, String name) {
    if (!ImageFolder.hasScheme(dir)) {
      return Path.of(dir).resolve(name).toString();
    }
    return dir.endsWith("/") ? dir + name : dir + "/" + name;
  }

  /** True when {@code location} is a regular file; a file system that cannot be asked is one line. */
  static boolean isFile(String location) {
    if (!ImageFolder.hasScheme(location)) {
      return Files.isRegularFile(Path.of(location));
    }
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(location);
    try {
      FileStatus s = ImageFolder.fileSystem(location, p.toUri()).getFileStatus(p);
      return s.isFile();
    } catch (FileNotFoundException e) {
      return false;
    } catch (IOException e) {
      throw new IllegalArgumentException(location + ": cannot be read (" + ImageFolder.line(e) + ")");
    }
  }

  static InputStream open(String location) throws IOException {
    if (!ImageFolder.hasScheme(location)) {
      return Files.newInputStream(Path.of(location));
    }
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(location);
    return ImageFolder.fileSystem(location, p.toUri()).open(p);
  }
}
