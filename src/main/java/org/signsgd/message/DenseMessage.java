package org.signsgd.message;

/**
 * A worker's dense vector (plain distributed SGD and the classic robust rules): 4 bytes per coordinate. The
 * array MUST NOT be modified once the message is built: on the worker it is also the worker's momentum, which its
 * state keeps for the next step.
 */
public record DenseMessage(int worker, float[] values) implements Message {
  public static final int HEADER_BYTES = 16;

  public DenseMessage {
    if (values == null) {
      throw new IllegalArgumentException("dense message of worker " + worker + " has no values");
    }
  }

  @Override
  public int dimension() {
    return values.length;
  }

  @Override
  public MessageKind kind() {
    return MessageKind.DENSE;
  }

  @Override
  public long wireBytes() {
    return HEADER_BYTES + 4L * values.length;
  }

  /** The messages' vectors as rows of doubles, in list order (the dense rules' and attacks' arithmetic). */
  public static double[][] rows(java.util.List<? extends Message> messages) {
    double[][] x = new double[messages.size()][];
    for (int i = 0; i < x.length; i++) {
      float[] v = ((DenseMessage) messages.get(i)).values();
      x[i] = new double[v.length];
      for (int k = 0; k < v.length; k++) {
        x[i][k] = v[k];
      }
    }
    return x;
  }

  /** True when every coordinate is finite. */
  public boolean isFinite() {
    for (float v : values) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }
}
