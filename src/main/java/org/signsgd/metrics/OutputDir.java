package org.signsgd.metrics;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Paths;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An output directory on any Hadoop file system: a local path, or a URI such as {@code file:///runs},
 * {@code hdfs://namenode/runs} or {@code s3a://bucket/runs}. Spark writes the Parquet datasets under it; the
 * plots and the bookkeeping go through Hadoop's {@link FileSystem}, so one code path serves every scheme.
 */
public final class OutputDir {
  private final Path root;
  private final Configuration conf;

  private OutputDir(Path root, Configuration conf) {
    this.root = root;
    this.conf = conf;
  }

  /** A URI with a scheme as is; anything else is a local path, made absolute; never a trailing slash. */
  public static OutputDir of(String location, Configuration conf) {
    URI uri = location.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*") ? URI.create(location)
        : Paths.get(location).toAbsolutePath().normalize().toUri();
    String path = uri.getPath();
    if (path != null && path.length() > 1 && path.endsWith("/")) { // an existing directory's URI ends in '/'
      try {
        uri = new URI(uri.getScheme(), uri.getAuthority(), path.substring(0, path.length() - 1), uri.getQuery(),
            uri.getFragment());
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException("--out " + location + " is not a valid location: " + e.getMessage());
      }
    }
    return new OutputDir(new Path(uri), conf); // from the URI: a space or a '%' in the path stays what it is
  }

  /** The location of {@code child} as Spark and Hadoop read it. */
  public String uri(String child) {
    return new Path(root, child).toString();
  }

  /** For people: a local directory as a plain path, anything else as its URI. */
  public String display(String child) {
    Path p = child.isEmpty() ? root : new Path(root, child);
    return "file".equals(p.toUri().getScheme()) ? p.toUri().getPath() : p.toString();
  }

  public boolean exists(String child) throws IOException {
    return fs().exists(new Path(root, child));
  }

  /** The names in the directory {@code child}; empty when it does not exist. */
  public java.util.List<String> list(String child) throws IOException {
    Path dir = new Path(root, child);
    FileSystem fs = fs();
    if (!fs.exists(dir)) {
      return java.util.List.of();
    }
    return java.util.Arrays.stream(fs.listStatus(dir)).map(s -> s.getPath().getName()).toList();
  }

  public void delete(String child) throws IOException {
    fs().delete(new Path(root, child), true);
  }

  public void write(String child, byte[] bytes) throws IOException {
    try (FSDataOutputStream out = fs().create(new Path(root, child), true)) {
      out.write(bytes);
    }
  }

  /** Creates the directory and writes and deletes a probe file; the failure, in one line, if that fails. */
  public void requireWritable() throws IOException {
    FileSystem fs = fs();
    fs.mkdirs(root);
    Path probe = new Path(root, ".write-check-" + System.nanoTime());
    try (FSDataOutputStream out = fs.create(probe, false)) {
      out.write(0);
    }
    fs.delete(probe, false);
  }

  private FileSystem fs() throws IOException {
    return root.getFileSystem(conf);
  }

  @Override
  public String toString() {
    return display("");
  }
}
