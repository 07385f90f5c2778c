package org.signsgd.message;

/**
 * A worker's dense vector (plain distributed SGD and the classic robust rules): 4 bytes per coordinate. The
 * array is owned by the message and MUST NOT be modified once the message is built.
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
