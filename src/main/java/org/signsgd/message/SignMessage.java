package org.signsgd.message;

import org.signsgd.vote.SignVector;

/** A worker's packed signs: ceil(d/8) bytes per bit-plane plus a small header. */
public record SignMessage(int worker, SignVector signs) implements Message {
  /** Bytes of the message's own header (worker id, iteration) on top of the sign vector's. */
  public static final int HEADER_BYTES = 8;

  public SignMessage {
    if (signs == null) {
      throw new IllegalArgumentException("sign message of worker " + worker + " has no signs");
    }
  }

  @Override
  public int dimension() {
    return signs.dimension();
  }

  @Override
  public MessageKind kind() {
    return MessageKind.SIGN;
  }

  @Override
  public long wireBytes() {
    return HEADER_BYTES + signs.wireBytes();
  }
}
