package org.signsgd.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes MNIST or Fashion-MNIST ({@link ImageDataset}) as an ImageNet-layout image folder: image i of the
 * training set, of class c, becomes {@code OUT/train/c/<i, five digits>.png} (or .jpg), the test set goes to
 * {@code OUT/val/}, so {@link ImageFolder} lists them in idx order within each class. Optional per-class limits
 * take each class's first images in idx order (small folders for tests and smoke runs). The folder is written
 * beside OUT and renamed into place with a marker file {@value #MARKER} holding the settings: a complete folder
 * made with the same settings is kept, one made with others is an error, and a crash leaves no half folder.
 * {@code datasets/make-image-folder.sh} calls {@link #main}.
 */
public final class ImageFolderWriter {
  /** The marker of a complete folder (a name {@link ImageFolder} ignores). */
  public static final String MARKER = "_COMPLETE";
  private static final float JPEG_QUALITY = 0.95f;

  private ImageFolderWriter() {}

  /**
   * @param format "png" or "jpg"
   * @param perClassTrain at most this many training images per class (0: all)
   * @param perClassVal at most this many test images per class, written to val/ (0: all)
   * @return true when the folder was written, false when a complete one with these settings was kept
   */
  public static boolean write(ImageDataset data, Path out, String format, int perClassTrain, int perClassVal) {
    String ext = format.toLowerCase(Locale.ROOT).equals("jpeg") ? "jpg" : format.toLowerCase(Locale.ROOT);
    if (!ext.equals("png") && !ext.equals("jpg")) {
      throw new IllegalArgumentException("image folder: format " + format + "; allowed: png, jpg");
    }
    if (perClassTrain < 0 || perClassVal < 0) {
      throw new IllegalArgumentException("image folder: per-class limits " + perClassTrain + ", " + perClassVal
          + "; allowed: 0 (all) or more");
    }
    String settings = "format=" + ext + " per_class_train=" + perClassTrain + " per_class_val=" + perClassVal
        + "\n";
    try {
      if (kept(out, settings)) {
        return false;
      }
      Path parent = out.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempDirectory(parent, "." + out.getFileName() + ".partial-");
      try {
        split(data, true, tmp.resolve("train"), ext, perClassTrain);
        split(data, false, tmp.resolve("val"), ext, perClassVal);
        Files.writeString(tmp.resolve(MARKER), settings);
        Files.deleteIfExists(out); // an empty directory (kept() refused any other)
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        delete(tmp);
      }
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(out + ": " + e.getMessage(), e);
    }
  }

  /** True when OUT is complete with these settings; an error when it holds anything else. */
  private static boolean kept(Path out, String settings) throws IOException {
    Path marker = out.resolve(MARKER);
    if (Files.isRegularFile(marker)) {
      String had = Files.readString(marker);
      if (!had.equals(settings)) {
        throw new IllegalArgumentException(out + " holds an image folder made with " + had.strip() + ", not "
            + settings.strip() + "; remove it or choose another output");
      }
      return true;
    }
    if (Files.exists(out) && (!Files.isDirectory(out) || hasEntries(out))) {
      throw new IllegalArgumentException(out + " exists and is not a complete image folder (no " + MARKER
          + "); remove it or choose another output");
    }
    return false;
  }

  private static boolean hasEntries(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isPresent();
    }
  }

  private static void split(ImageDataset data, boolean train, Path dir, String ext, int perClass)
      throws IOException {
    byte[] labels = train ? data.trainLabels() : data.testLabels();
    int[] written = new int[ImageDataset.CLASSES];
    for (int i = 0; i < labels.length; i++) {
      int c = Byte.toUnsignedInt(labels[i]);
      if (perClass > 0 && written[c] == perClass) {
        continue;
      }
      written[c]++;
      Path file = dir.resolve(Integer.toString(c)).resolve(String.format(Locale.ROOT, "%05d.%s", i, ext));
      Files.createDirectories(file.getParent());
      encode(data.rawImage(train, i), file, ext);
    }
  }

  private static void encode(byte[] pixels, Path file, String ext) throws IOException {
    BufferedImage img = new BufferedImage(ImageDataset.COLS, ImageDataset.ROWS, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setDataElements(0, 0, ImageDataset.COLS, ImageDataset.ROWS, pixels);
    if (ext.equals("png")) {
      ImageIO.write(img, "png", file.toFile());
      return;
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (OutputStream os = Files.newOutputStream(file); ImageOutputStream out = ImageIO.createImageOutputStream(os)) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(JPEG_QUALITY);
      writer.setOutput(out);
      writer.write(null, new IIOImage(img, null, null), param);
    } finally {
      writer.dispose();
    }
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /**
   * {@code ImageFolderWriter IDX_DIR OUT FORMAT PER_CLASS_TRAIN PER_CLASS_VAL}: the idx files in IDX_DIR (a local
   * directory or a Hadoop URI) as an image folder in OUT. Exit 0 when written or kept, 2 with one line on stderr
   * otherwise.
   */
  public static void main(String[] args) {
    if (args.length != 5) {
      System.err.println("usage: ImageFolderWriter IDX_DIR OUT png|jpg PER_CLASS_TRAIN PER_CLASS_VAL (0: all)");
      System.exit(2);
    }
    try {
      ImageDataset data = ImageDataset.load(args[0]);
      Path out = Path.of(args[1]);
      boolean written = write(data, out, args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
      System.out.println((written ? "wrote " : "kept ") + out.toAbsolutePath() + " (" + ImageFolder
          .list(out.toString()).classes().size() + " classes)");
    } catch (IllegalArgumentException | UncheckedIOException e) {
      System.err.println("make-image-folder: " + ImageFolder.line(e));
      System.exit(2);
    }
  }
}
