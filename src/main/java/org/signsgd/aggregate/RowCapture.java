package org.signsgd.aggregate;

import java.io.Serializable;

/**
 * Not a rule a job names: what a pre-aggregation step wraps when the server needs the step's vectors themselves
 * rather than a rule's output on them ({@link SteppedStatefulRule}). It has no passes, and its finish returns the
 * vectors it was given, row after row in one array, which the step hands back as its own finish.
 */
final class RowCapture extends DenseRule implements ChunkedRule {
  @Override
  public String name() {
    return "rows";
  }

  @Override
  public void checkRequirement(int n, int f) {}

  @Override
  public boolean coordinateWise() {
    return false;
  }

  @Override
  public ChunkedRule chunked() {
    return this;
  }

  @Override
  public double[] combine(double[][] x, int f) {
    return finish(x, f, null);
  }

  @Override
  public int passes() {
    return 0;
  }

  @Override
  public double[] partial(int pass, double[][] x, int f, Serializable decided) {
    throw new UnsupportedOperationException("the vectors have no passes");
  }

  @Override
  public Serializable decide(int pass, double[] sums, int n, int f, Serializable decided) {
    throw new UnsupportedOperationException("the vectors have no passes");
  }

  /** The rows, one after the other. */
  @Override
  public double[] finish(double[][] x, int f, Serializable decided) {
    int length = x.length == 0 ? 0 : x[0].length;
    double[] out = new double[x.length * length];
    for (int i = 0; i < x.length; i++) {
      System.arraycopy(x[i], 0, out, i * length, length);
    }
    return out;
  }
}
