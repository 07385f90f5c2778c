package org.signsgd.data;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A 28×28 grey-scale, 10-class image dataset in idx files (MNIST or Fashion-MNIST): 60,000 training and
 * 10,000 test images as bytes, from a local directory or any Hadoop URI ({@code hdfs:///data/mnist}). Loaded once
 * per JVM and directory, so every task of an executor shares it.
 * Pixels are scaled to [0, 1] and normalised with the dataset's mean and std (MNIST: 0.1307 and 0.3081, the
 * seeds' torchvision transform; Fashion-MNIST: 0.2860 and 0.3530) when a batch is built.
 */
public final class ImageDataset {
  public static final int ROWS = 28;
  public static final int COLS = 28;
  public static final int PIXELS = ROWS * COLS;
  public static final int CLASSES = 10;
  public static final int TRAIN = 60_000;
  public static final int TEST = 10_000;
  /** MNIST's pixel mean and std (the seeds' torchvision transform). */
  public static final float MEAN = 0.1307f;
  public static final float STD = 0.3081f;
  /** Fashion-MNIST's training-set pixel mean and std. */
  public static final float FASHION_MEAN = 0.2860f;
  public static final float FASHION_STD = 0.3530f;
  private static final Map<String, ImageDataset> CACHE = new ConcurrentHashMap<>();
  private static final String[] FILES = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
      "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

  private final byte[] trainImages;
  private final byte[] trainLabels;
  private final byte[] testImages;
  private final byte[] testLabels;

  private ImageDataset(byte[] trainImages, byte[] trainLabels, byte[] testImages, byte[] testLabels) {
    this.trainImages = trainImages;
    this.trainLabels = trainLabels;
    this.testImages = testImages;
    this.testLabels = testLabels;
  }

  /** The dataset in {@code dir} (the four idx files, plain or with .gz), read once per JVM. */
  public static ImageDataset load(Path dir) {
    return load(dir.toString());
  }

  /** The same from a local directory or a Hadoop URI (a local one is made absolute and normalised). */
  public static ImageDataset load(String dir) {
    return CACHE.computeIfAbsent(HadoopFiles.normalise(dir), ImageDataset::read);
  }

  private static ImageDataset read(String dir) {
    return new ImageDataset(
        Idx.images(file(dir, FILES[0]), TRAIN, ROWS, COLS),
        Idx.labels(file(dir, FILES[1]), TRAIN, CLASSES),
        Idx.images(file(dir, FILES[2]), TEST, ROWS, COLS),
        Idx.labels(file(dir, FILES[3]), TEST, CLASSES));
  }

  /** The idx file {@code name} in {@code dir}, plain or gzipped. */
  static String file(String dir, String name) {
    String plain = HadoopFiles.resolve(dir, name);
    String gz = plain + ".gz";
    return HadoopFiles.isFile(plain) || !HadoopFiles.isFile(gz) ? plain : gz;
  }

  /** True when all four files are present in {@code dir}. */
  public static boolean present(Path dir) {
    return present(dir.toString());
  }

  /**
   * The same for a local directory or a Hadoop URI; a file system that cannot be asked (an unknown scheme, an
   * unreachable name node) is an {@link IllegalArgumentException} of one line.
   */
  public static boolean present(String dir) {
    for (String n : FILES) {
      if (!HadoopFiles.isFile(file(dir, n))) {
        return false;
      }
    }
    return true;
  }

  public byte[] trainLabels() {
    return trainLabels;
  }

  public byte[] testLabels() {
    return testLabels;
  }

  /** Training image i, normalised with (mean, std), into {@code out} at {@code offset}. */
  public void trainImage(int i, float mean, float std, float[] out, int offset) {
    normalise(trainImages, i, mean, std, out, offset);
  }

  /** Test image i, normalised with (mean, std), into {@code out} at {@code offset}. */
  public void testImage(int i, float mean, float std, float[] out, int offset) {
    normalise(testImages, i, mean, std, out, offset);
  }

  /** Image i of the training or the test set as its 784 raw bytes (row-major, 0 = black). */
  byte[] rawImage(boolean train, int i) {
    int base = i * PIXELS;
    return java.util.Arrays.copyOfRange(train ? trainImages : testImages, base, base + PIXELS);
  }

  /** Training image i as raw intensities in [0, 1] (for augmentation, which normalises afterwards). */
  public void trainPixels(int i, float[] out) {
    int base = i * PIXELS;
    for (int k = 0; k < PIXELS; k++) {
      out[k] = (trainImages[base + k] & 0xff) / 255f;
    }
  }

  private static void normalise(byte[] images, int i, float mean, float std, float[] out, int offset) {
    int base = i * PIXELS;
    for (int k = 0; k < PIXELS; k++) {
      out[offset + k] = ((images[base + k] & 0xff) / 255f - mean) / std;
    }
  }
}
