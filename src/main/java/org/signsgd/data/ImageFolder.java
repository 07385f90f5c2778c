package org.signsgd.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.signsgd.spec.Echo;

/**
 * The listing of an ImageNet-layout image folder, {@code ROOT/train/<class>/<image>} and
 * {@code ROOT/val/<class>/<image>} (torchvision's {@code ImageFolder} layout), made on the driver without opening
 * any image. ROOT is a local path or any Hadoop URI ({@code file:}, {@code hdfs:}, {@code s3a:}), read through
 * {@link FileSystem} with a default {@link Configuration}. Classes sorted by name are the labels 0..C−1; the
 * images of a class (names ending .jpg, .jpeg or .png in any case) are sorted by name. Entries whose names start
 * with "." or "_" (hidden files, Hadoop's _SUCCESS markers) are ignored. The listing is serialisable: the root as
 * a URI string, the class names, and per split each image's file name and label, so a task rebuilds any path.
 */
public final class ImageFolder implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final String LAYOUT = "expected ROOT/train/<class>/<image>.jpg|.jpeg|.png and the same classes "
      + "under ROOT/val/";

  private final String root;
  private final String[] classes;
  private final Split train;
  private final Split val;

  /**
   * One split's images: file names (within their class folder) and labels, in listing order; the images of class
   * c are the indices [starts[c], starts[c + 1]).
   */
  record Split(String dir, String[] names, int[] labels, int[] starts) implements Serializable {}

  private ImageFolder(String root, String[] classes, Split train, Split val) {
    this.root = root;
    this.classes = classes;
    this.train = train;
    this.val = val;
  }

  /**
   * Lists the folder at {@code root} (a local path or a Hadoop URI). Every problem is an
   * {@link IllegalArgumentException} of one line: what is wrong, where, and how to fix it.
   */
  public static ImageFolder list(String root) {
    URI uri = uri(root);
    FileSystem fs = fileSystem("image folder " + Echo.escape(root), uri);
    // this constructor drops a trailing slash (a local directory's URI has one)
    org.apache.hadoop.fs.Path top = new org.apache.hadoop.fs.Path(uri.getScheme(), uri.getAuthority(),
        uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath());
    try {
      if (!fs.getFileStatus(top).isDirectory()) {
        throw problem(root, "is not a directory", LAYOUT);
      }
    } catch (FileNotFoundException e) {
      throw problem(root, "no such directory", "run datasets/make-image-folder.sh or set data.dir; " + LAYOUT);
    } catch (IOException e) {
      throw problem(root, "cannot be read (" + line(e) + ")", "check the URI and the file system's access");
    }
    String[] classes = classes(root, fs, new org.apache.hadoop.fs.Path(top, "train"), "train");
    String[] valClasses = classes(root, fs, new org.apache.hadoop.fs.Path(top, "val"), "val");
    if (!Arrays.equals(classes, valClasses)) {
      throw problem(root, "val/ " + firstDifference(classes, valClasses), "give val/ the class folders of train/");
    }
    String qualified = fs.makeQualified(top).toString();
    return new ImageFolder(qualified, classes, images(root, fs, top, "train", classes),
        images(root, fs, top, "val", classes));
  }

  /** A local path (no scheme) as an absolute file: URI; anything with a scheme as it is. */
  static URI uri(String root) {
    if (root == null || root.isBlank()) {
      throw new IllegalArgumentException("image folder: no root given; set data.dir to a local path or a Hadoop "
          + "URI of an ImageNet-layout folder");
    }
    if (hasScheme(root)) {
      try {
        return new URI(root);
      } catch (java.net.URISyntaxException e) {
        throw problem(root, "is not a URI (" + e.getReason() + ")", "give a local path or a URI like hdfs:///data/x");
      }
    }
    return java.nio.file.Path.of(root).toAbsolutePath().normalize().toUri();
  }

  /** True when {@code s} starts with a URI scheme (letters, digits, +, -, . before a colon; not a drive letter). */
  public static boolean hasScheme(String s) {
    return s.matches("[A-Za-z][A-Za-z0-9+.-]+:.*");
  }

  private static volatile Configuration hadoop;

  /**
   * The Hadoop configuration Spark gives its own file systems, built once per JVM: core-site.xml and friends, plus
   * every {@code spark.hadoop.*} setting (s3a credentials and endpoints, {@code fs.defaultFS}) of the executor's
   * Spark configuration, or on the driver of the one spark-submit passes as system properties, so that
   * {@code data.dir} reads where {@code --out} writes.
   */
  static Configuration hadoopConfiguration() {
    Configuration c = hadoop;
    if (c == null) {
      org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
      c = org.apache.spark.deploy.SparkHadoopUtil.get().newConfiguration(env != null ? env.conf()
          : new org.apache.spark.SparkConf());
      hadoop = c;
    }
    return c;
  }

  /** The Hadoop file system of a URI; an unknown scheme is one line that starts with {@code what}. */
  static FileSystem fileSystem(String what, URI uri) {
    try {
      return FileSystem.get(uri, hadoopConfiguration());
    } catch (UnsupportedFileSystemException e) {
      throw new IllegalArgumentException(what + ": no Hadoop file system for scheme '" + uri.getScheme() + "'; "
          + "use a local path or a file:, hdfs: or s3a: URI (s3a needs hadoop-aws on the classpath)");
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(what + ": cannot be opened (" + line(e) + "); check the URI and the file "
          + "system's access");
    }
  }

  private static IllegalArgumentException problem(String root, String what, String fix) {
    return new IllegalArgumentException("image folder " + Echo.escape(root) + ": " + what + "; " + fix);
  }

  /** The sorted class folder names of {@code dir}; a missing or empty split is one line. */
  private static String[] classes(String root, FileSystem fs, org.apache.hadoop.fs.Path dir, String split) {
    FileStatus[] entries;
    try {
      entries = fs.listStatus(dir);
    } catch (FileNotFoundException e) {
      throw problem(root, "no " + split + "/ directory", LAYOUT);
    } catch (IOException e) {
      throw problem(root, split + "/ cannot be listed (" + line(e) + ")", "check the file system's access");
    }
    List<String> names = new ArrayList<>();
    for (FileStatus s : entries) {
      String name = s.getPath().getName();
      if (s.isDirectory() && !ignored(name)) {
        names.add(name);
      }
    }
    if (names.isEmpty()) {
      throw problem(root, split + "/ holds no class folder", LAYOUT);
    }
    String[] sorted = names.toArray(new String[0]);
    Arrays.sort(sorted);
    return sorted;
  }

  private static boolean ignored(String name) {
    return name.startsWith(".") || name.startsWith("_");
  }

  /** How two sorted class lists first differ, naming the class. */
  private static String firstDifference(String[] train, String[] val) {
    for (int i = 0; i < Math.max(train.length, val.length); i++) {
      String t = i < train.length ? train[i] : null;
      String v = i < val.length ? val[i] : null;
      if (t != null && (v == null || t.compareTo(v) < 0)) {
        return "lacks class '" + t + "' of train/";
      }
      if (v != null && (t == null || v.compareTo(t) < 0)) {
        return "has class '" + v + "', which train/ lacks";
      }
    }
    throw new IllegalStateException("the class lists are equal");
  }

  private static Split images(String root, FileSystem fs, org.apache.hadoop.fs.Path top, String split,
      String[] classes) {
    List<String> names = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    int[] starts = new int[classes.length + 1];
    for (int c = 0; c < classes.length; c++) {
      starts[c] = names.size();
      org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(top, split),
          classes[c]);
      List<String> files = new ArrayList<>();
      try {
        for (FileStatus s : fs.listStatus(dir)) {
          String name = s.getPath().getName();
          if (s.isFile() && !ignored(name) && isImage(name)) {
            files.add(name);
          }
        }
      } catch (IOException e) {
        throw problem(root, split + "/" + classes[c] + " cannot be listed (" + line(e) + ")",
            "check the file system's access");
      }
      if (files.isEmpty()) {
        throw problem(root, split + "/" + classes[c] + " holds no .jpg, .jpeg or .png file",
            "add its images or remove the folder (from train/ and val/)");
      }
      files.sort(null);
      for (String f : files) {
        names.add(f);
        labels.add(c);
      }
    }
    starts[classes.length] = names.size();
    return new Split(split, names.toArray(new String[0]), labels.stream().mapToInt(Integer::intValue).toArray(),
        starts);
  }

  /** True for the file names this listing takes as images: .jpg, .jpeg or .png in any case. */
  static boolean isImage(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
  }

  /** The folder's root as a qualified URI string ({@code file:/...}, {@code hdfs://host:port/...}). */
  public String root() {
    return root;
  }

  /**
   * What a resume compares to tell whether the folder still holds the images the run started with:
   * {@code "<T> training and <V> validation images, listing <16 hex digits>"}, the digits from a SHA-256 over the
   * class names and every image's split, label and file name in listing order (not the root: the same images
   * elsewhere are the same data). A file added, removed or renamed changes it; an image rewritten under its name
   * does not (no image is opened to list the folder).
   */
  public String fingerprint() {
    if (fingerprint == null) { // the listing never changes: hashed once (ImageNet's is 1.28M names)
      fingerprint = hash();
    }
    return fingerprint;
  }

  /** Made once by {@link #fingerprint}; not serialised (a task never needs it). */
  private transient volatile String fingerprint;

  private String hash() {
    java.security.MessageDigest sha;
    try {
      sha = java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (String c : classes) {
      sha.update(("class\0" + c + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    for (Split s : new Split[] {train, val}) {
      for (int i = 0; i < s.names().length; i++) {
        sha.update((s.dir() + "\0" + s.labels()[i] + "\0" + s.names()[i] + "\0")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return trainSize() + " training and " + valSize() + " validation images, listing "
        + java.util.HexFormat.of().formatHex(sha.digest(), 0, 8);
  }

  /** The class names; class c is label c. */
  public List<String> classes() {
    return List.of(classes);
  }

  public int trainSize() {
    return train.labels.length;
  }

  public int valSize() {
    return val.labels.length;
  }

  /** The label of every training image, in listing order. */
  public int[] trainLabels() {
    return train.labels.clone();
  }

  /** The label of every validation image, in listing order. */
  public int[] valLabels() {
    return val.labels.clone();
  }

  int trainLabel(int i) {
    return train.labels[i];
  }

  int valLabel(int i) {
    return val.labels[i];
  }

  /** Training image i's URI string. */
  public String trainPath(int i) {
    return path(train, i);
  }

  /** Validation image i's URI string. */
  public String valPath(int i) {
    return path(val, i);
  }

  Split split(boolean training) {
    return training ? train : val;
  }

  String path(Split s, int i) {
    return root + "/" + s.dir() + "/" + classes[s.labels()[i]] + "/" + s.names()[i];
  }

  /** The first line of an exception's message (its class when it has none). */
  static String line(Throwable e) {
    return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
        : Echo.firstLine(e.getMessage());
  }
}
