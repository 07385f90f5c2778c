package org.signsgd.data;

import java.util.random.RandomGenerator;

/**
 * The synthetic regression data ({@link SyntheticRegression}) as {@link LabelledData} for the small networks
 * LinRegNet (target: the standardised label) and LogRegNet (target: one-hot of the label in {0, 1}).
 */
public final class RegressionData implements LabelledData {
  private static final long serialVersionUID = 1L;
  private final SyntheticRegression data;
  private final SyntheticRegression.Kind kind;

  public RegressionData(SyntheticRegression.Kind kind, SyntheticRegression data) {
    this.kind = kind;
    this.data = data;
  }

  private boolean logistic() {
    return kind == SyntheticRegression.Kind.LOGISTIC;
  }

  @Override
  public int inputs() {
    return SyntheticRegression.FEATURES;
  }

  @Override
  public int outputs() {
    return logistic() ? 2 : 1;
  }

  @Override
  public int trainSize() {
    return data.trainLabels().length;
  }

  @Override
  public int testSize() {
    return data.testLabels().length;
  }

  @Override
  public int[] trainClasses() {
    if (!logistic()) {
      return null;
    }
    float[] y = data.trainLabels();
    int[] c = new int[y.length];
    for (int i = 0; i < y.length; i++) {
      c[i] = (int) y[i];
    }
    return c;
  }

  @Override
  public void train(int[] idx, RandomGenerator augment, float[] x, float[] y) {
    for (int r = 0; r < idx.length; r++) {
      row(data.trainFeatures()[idx[r]], data.trainLabels()[idx[r]], r, x, y);
    }
  }

  @Override
  public void test(int from, int to, float[] x, float[] y) {
    for (int i = from; i < to; i++) {
      row(data.testFeatures()[i], data.testLabels()[i], i - from, x, y);
    }
  }

  private void row(float[] features, float label, int r, float[] x, float[] y) {
    System.arraycopy(features, 0, x, r * features.length, features.length);
    if (logistic()) {
      y[r * 2 + (int) label] = 1f;
    } else {
      y[r] = label;
    }
  }
}
