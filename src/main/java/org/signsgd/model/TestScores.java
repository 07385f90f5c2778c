package org.signsgd.model;

/**
 * A network's test-set sums, added row by row in order (so every caller sums in the same order): for softmax
 * outputs against one-hot targets, the cross-entropy −log p[label] (p floored at 1e-30) and the predictions whose
 * largest output is the label (the first largest on a tie); for one regression output, the squared error.
 */
final class TestScores {
  private double loss;
  private long correct;

  /** Adds {@code rows} rows of {@code classes} softmax outputs {@code p} against one-hot targets {@code y}. */
  void addClasses(float[] p, float[] y, int rows, int classes) {
    for (int r = 0; r < rows; r++) {
      int best = 0;
      int label = 0;
      for (int c = 0; c < classes; c++) {
        if (p[r * classes + c] > p[r * classes + best]) {
          best = c;
        }
        if (y[r * classes + c] == 1f) {
          label = c;
        }
      }
      loss -= Math.log(Math.max(p[r * classes + label], 1e-30));
      correct += best == label ? 1 : 0;
    }
  }

  /** Adds the squared errors of {@code rows} single outputs {@code p} against targets {@code y}. */
  void addSquaredErrors(float[] p, float[] y, int rows) {
    for (int r = 0; r < rows; r++) {
      double e = p[r] - y[r];
      loss += e * e;
    }
  }

  GradientModel.TestSums sums(int rows, boolean classes) {
    return new GradientModel.TestSums(loss, correct, rows, classes);
  }
}
