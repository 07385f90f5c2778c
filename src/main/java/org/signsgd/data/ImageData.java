package org.signsgd.data;

import java.nio.file.Path;
import java.util.random.RandomGenerator;

/**
 * MNIST or Fashion-MNIST as {@link LabelledData}: 784 normalised pixels and a one-hot label. Holds only the
 * directory (a local path or any Hadoop URI); the bytes are read once per JVM ({@link ImageDataset#load}), on whichever executor runs the task.
 */
public final class ImageData implements LabelledData {
  private static final long serialVersionUID = 1L;
  private final String dir;
  private final float mean;
  private final float std;
  /** The training augmentation when one is drawn: {@link HorizontalFlip} alone, else {@link Augmentation}. */
  private final boolean flipOnly;

  /** @param dataset "mnist" or "fashion-mnist" (which normalisation) */
  public ImageData(String dataset, Path dir) {
    this(dataset, dir, false);
  }

  /** @param flipOnly augment with a random horizontal flip only (seed 003) instead of Mengoli et al.'s */
  public ImageData(String dataset, Path dir, boolean flipOnly) {
    this(dataset, dir.toString(), flipOnly);
  }

  /** @param dir a local directory (made absolute and normalised) or a Hadoop URI ({@code hdfs:///data/mnist}) */
  public ImageData(String dataset, String dir, boolean flipOnly) {
    this.flipOnly = flipOnly;
    this.dir = HadoopFiles.normalise(dir);
    boolean fashion = dataset.equals("fashion-mnist");
    this.mean = fashion ? ImageDataset.FASHION_MEAN : ImageDataset.MEAN;
    this.std = fashion ? ImageDataset.FASHION_STD : ImageDataset.STD;
  }

  /** The loaded files, looked up once per deserialised copy (the lookup normalises a path). */
  private transient ImageDataset images;

  private ImageDataset images() {
    ImageDataset d = images;
    if (d == null) {
      d = ImageDataset.load(dir);
      images = d;
    }
    return d;
  }

  @Override
  public int inputs() {
    return ImageDataset.PIXELS;
  }

  @Override
  public int outputs() {
    return ImageDataset.CLASSES;
  }

  @Override
  public int trainSize() {
    return ImageDataset.TRAIN;
  }

  @Override
  public int testSize() {
    return ImageDataset.TEST;
  }

  @Override
  public int[] trainClasses() {
    byte[] labels = images().trainLabels();
    int[] classes = new int[labels.length];
    for (int i = 0; i < labels.length; i++) {
      classes[i] = Byte.toUnsignedInt(labels[i]);
    }
    return classes;
  }

  @Override
  public void train(int[] idx, RandomGenerator augment, float[] x, float[] y) {
    ImageDataset data = images();
    float[] pixels = augment == null ? null : new float[ImageDataset.PIXELS];
    for (int r = 0; r < idx.length; r++) {
      int offset = r * ImageDataset.PIXELS;
      if (augment == null) {
        data.trainImage(idx[r], mean, std, x, offset);
      } else {
        data.trainPixels(idx[r], pixels);
        if (flipOnly) {
          HorizontalFlip.apply(pixels, augment);
        } else {
          Augmentation.apply(pixels, augment);
        }
        for (int k = 0; k < pixels.length; k++) {
          x[offset + k] = (pixels[k] - mean) / std;
        }
      }
      y[r * ImageDataset.CLASSES + data.trainLabels()[idx[r]]] = 1f;
    }
  }

  @Override
  public void test(int from, int to, float[] x, float[] y) {
    ImageDataset data = images();
    for (int i = from; i < to; i++) {
      int r = i - from;
      data.testImage(i, mean, std, x, r * ImageDataset.PIXELS);
      y[r * ImageDataset.CLASSES + data.testLabels()[i]] = 1f;
    }
  }
}
