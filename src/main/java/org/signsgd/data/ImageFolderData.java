package org.signsgd.data;

import java.io.IOException;
import java.io.InputStream;
import java.util.random.RandomGenerator;
import org.apache.hadoop.fs.FileSystem;
import org.signsgd.spec.Echo;

/**
 * An ImageNet-layout image folder ({@link ImageFolder}) as {@link LabelledData}: rows of 3·s·s floats (CHW,
 * c-order: the R plane, then G, then B, each row-major) and one-hot targets over the folder's classes. Only the
 * listing ships to the tasks; each task reads its own images through the Hadoop {@link FileSystem} of the
 * folder's URI and decodes them ({@link ImageDecoder}) and transforms them ({@link ImageTransforms}) itself.
 * Training rows get the training transform when this data augments and the caller passes an augmentation stream
 * (every draw comes from it, in row order), else the evaluation transform, as test rows (val/, in listing order)
 * always do.
 *
 * <p>An image that cannot be decoded (truncated, not an image) never ends a run: it is replaced by the next
 * image of the same class in listing order that decodes (wrapping around within the class), so the same file is
 * replaced by the same image every time; each undecodable file met while building training rows is counted, per
 * thread, for {@link #takeBadImages} (the {@code bad_images} column). A class none of whose images decodes, and a
 * file that cannot be read at all (a file-system error, which Spark's task retry may cure), end the run with one
 * line.
 */
public final class ImageFolderData implements LabelledData {
  private static final long serialVersionUID = 1L;
  /** Undecodable images met by this thread's {@link #train} calls since the last {@link #takeBadImages}. */
  private static final ThreadLocal<long[]> BAD = ThreadLocal.withInitial(() -> new long[1]);

  private final ImageFolder folder;
  private final int size;
  private final boolean augment;
  /** The folder's file system, looked up once per deserialised copy. */
  private transient FileSystem fs;

  /**
   * @param imageSize s, the side of the square the transforms produce
   * @param augment whether training rows get the training transform when a stream is passed
   */
  public ImageFolderData(ImageFolder folder, int imageSize, boolean augment) {
    if (imageSize < 1 || imageSize > 4096) {
      throw new IllegalArgumentException("image folder " + Echo.escape(folder.root()) + ": image size "
          + imageSize + "; allowed: 1..4096 (224 for ImageNet)");
    }
    this.folder = folder;
    this.size = imageSize;
    this.augment = augment;
  }

  /** Lists {@code root} ({@link ImageFolder#list}, one-line errors) and wraps it. */
  public static ImageFolderData of(String root, int imageSize, boolean augment) {
    return new ImageFolderData(ImageFolder.list(root), imageSize, augment);
  }

  public ImageFolder folder() {
    return folder;
  }

  public int imageSize() {
    return size;
  }

  @Override
  public int inputs() {
    return 3 * size * size;
  }

  @Override
  public int outputs() {
    return folder.classes().size();
  }

  @Override
  public int trainSize() {
    return folder.trainSize();
  }

  @Override
  public int testSize() {
    return folder.valSize();
  }

  @Override
  public int[] trainClasses() {
    return folder.trainLabels();
  }

  @Override
  public void train(int[] idx, RandomGenerator augmentStream, float[] x, float[] y) {
    int classes = outputs();
    for (int r = 0; r < idx.length; r++) {
      ImageDecoder.Rgb img = image(true, idx[r]);
      if (augment && augmentStream != null) {
        ImageTransforms.train(img, size, augmentStream, x, r * inputs());
      } else {
        ImageTransforms.eval(img, size, x, r * inputs());
      }
      y[r * classes + folder.trainLabel(idx[r])] = 1f;
    }
  }

  @Override
  public void test(int from, int to, float[] x, float[] y) {
    int classes = outputs();
    for (int i = from; i < to; i++) {
      ImageTransforms.eval(image(false, i), size, x, (i - from) * inputs());
      y[(i - from) * classes + folder.valLabel(i)] = 1f;
    }
  }

  @Override
  public long takeBadImages() {
    long[] bad = BAD.get();
    long n = bad[0];
    bad[0] = 0;
    return n;
  }

  /** Image i of a split, or its replacement when it cannot be decoded (counted for training images). */
  private ImageDecoder.Rgb image(boolean training, int i) {
    ImageFolder.Split split = folder.split(training);
    int label = split.labels()[i];
    int start = split.starts()[label];
    int n = split.starts()[label + 1] - start;
    for (int k = 0; k < n; k++) {
      int j = start + (i - start + k) % n;
      String path = folder.path(split, j);
      try {
        return ImageDecoder.decode(read(path));
      } catch (IOException undecodable) {
        if (training) {
          BAD.get()[0]++;
        }
      }
    }
    throw new IllegalStateException("image folder " + Echo.escape(folder.root()) + ": no image of "
        + split.dir() + "/" + folder.classes().get(label) + " can be decoded; replace its files or remove the class");
  }

  private byte[] read(String path) {
    try {
      FileSystem f = fs;
      if (f == null) {
        f = ImageFolder.fileSystem("image folder " + Echo.escape(folder.root()), new org.apache.hadoop.fs.Path(folder.root()).toUri());
        fs = f;
      }
      try (InputStream in = f.open(new org.apache.hadoop.fs.Path(path))) {
        return in.readAllBytes();
      }
    } catch (IOException e) {
      throw new IllegalStateException(Echo.escape(path) + ": cannot be read (" + ImageFolder.line(e) + ")", e);
    }
  }
}
