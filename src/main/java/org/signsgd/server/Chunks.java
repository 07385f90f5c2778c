package org.signsgd.server;

import java.util.Arrays;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;
import org.signsgd.message.SignMessage;

/**
 * The server's work is cut into fixed chunks of {@link #SIZE} coordinates (the last one shorter): a coordinate-wise
 * rule and attack run chunk by chunk, every chunk with its own random streams, and the metrics' sums are taken per
 * chunk and then added in chunk order. Because the chunks are fixed by d alone, where a chunk runs (on the driver,
 * or in any of the shards of {@code aggregation: sharded}) cannot change a bit of the result. A rule that is not
 * coordinate-wise runs on one chunk spanning all of d.
 */
public final class Chunks {
  /** Coordinates per chunk: 1024 words of packed signs, 256 kB of floats. */
  public static final int SIZE = 1 << 16;

  private final int dimension;
  private final int size;

  private Chunks(int dimension, int size) {
    this.dimension = dimension;
    this.size = size;
  }

  /** Chunks of {@link #SIZE} over d coordinates, or one chunk of all of d when {@code whole}. */
  public static Chunks of(int dimension, boolean whole) {
    return new Chunks(dimension, whole ? Math.max(1, dimension) : SIZE);
  }

  public int dimension() {
    return dimension;
  }

  public int count() {
    return Math.max(1, (dimension + size - 1) / size);
  }

  public int from(int chunk) {
    return chunk * size;
  }

  public int to(int chunk) {
    return (int) Math.min(dimension, (long) chunk * size + size);
  }

  /** Coordinates [from, to) of a message; a null message, or one not of dimension d (malformed), as it is. */
  public Message slice(Message m, int chunk) {
    if (m == null || m.dimension() != dimension || count() == 1) {
      return m;
    }
    if (m instanceof SignMessage s) {
      return new SignMessage(m.worker(), s.signs().slice(from(chunk), to(chunk)));
    }
    return new DenseMessage(m.worker(), Arrays.copyOfRange(((DenseMessage) m).values(), from(chunk), to(chunk)));
  }

  /** Coordinates [from, to) of a vector of dimension d (null stays null). */
  public float[] slice(float[] v, int chunk) {
    if (v == null || count() == 1) {
      return v;
    }
    return Arrays.copyOfRange(v, from(chunk), to(chunk));
  }
}
