package org.signsgd.bench;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.signsgd.data.LabelledData;

/**
 * Random 3·s·s images (uniform in [−2, 2], about the range of normalised ImageNet pixels) with random classes,
 * made up on every call: data for timing a ResNet gradient without an image folder. The rows of a sample are the
 * same on every call (its own generator, seeded by its index), so a batch costs only the filling.
 */
final class SyntheticImages implements LabelledData {
  private static final long serialVersionUID = 1L;
  private final int size;
  private final int classes;
  private final int samples;

  SyntheticImages(int imageSize, int classes, int samples) {
    this.size = imageSize;
    this.classes = classes;
    this.samples = samples;
  }

  @Override
  public int inputs() {
    return 3 * size * size;
  }

  @Override
  public int outputs() {
    return classes;
  }

  @Override
  public int trainSize() {
    return samples;
  }

  @Override
  public int testSize() {
    return samples;
  }

  @Override
  public int[] trainClasses() {
    int[] c = new int[samples];
    for (int i = 0; i < samples; i++) {
      c[i] = i % classes;
    }
    return c;
  }

  @Override
  public void train(int[] idx, RandomGenerator augment, float[] x, float[] y) {
    for (int r = 0; r < idx.length; r++) {
      row(idx[r], x, y, r);
    }
  }

  @Override
  public void test(int from, int to, float[] x, float[] y) {
    for (int i = from; i < to; i++) {
      row(i, x, y, i - from);
    }
  }

  private void row(int sample, float[] x, float[] y, int r) {
    SplittableRandom rng = new SplittableRandom(sample);
    int n = inputs();
    for (int k = 0; k < n; k++) {
      x[r * n + k] = (float) (4 * rng.nextDouble() - 2);
    }
    y[r * classes + sample % classes] = 1f;
  }
}
