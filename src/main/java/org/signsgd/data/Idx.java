package org.signsgd.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the idx files of MNIST and Fashion-MNIST (LeCun et al., "THE MNIST DATABASE", file formats), plain or
 * gzipped, from a local path or any Hadoop URI ({@link HadoopFiles}). Every header is checked: the magic number (0x00000803 for images, 0x00000801 for labels), the
 * dimensions the caller expects, and the exact byte count; a wrong or truncated file is an
 * {@link IllegalArgumentException} with one line naming the file and what was expected.
 */
public final class Idx {
  static final int IMAGES_MAGIC = 0x00000803;
  static final int LABELS_MAGIC = 0x00000801;

  private Idx() {}

  /** Images as unsigned bytes, row-major, {@code count × rows × cols}. */
  public static byte[] images(Path file, int count, int rows, int cols) {
    return images(file.toString(), count, rows, cols);
  }

  /** The same from a local path or a Hadoop URI. */
  public static byte[] images(String file, int count, int rows, int cols) {
    return read(file, IMAGES_MAGIC, new int[] {count, rows, cols});
  }

  /** Labels as bytes, each checked to lie in [0, classes) read as an unsigned byte (the idx format's ubyte). */
  public static byte[] labels(Path file, int count, int classes) {
    return labels(file.toString(), count, classes);
  }

  /** The same from a local path or a Hadoop URI. */
  public static byte[] labels(String file, int count, int classes) {
    byte[] labels = read(file, LABELS_MAGIC, new int[] {count});
    for (int i = 0; i < labels.length; i++) {
      int label = Byte.toUnsignedInt(labels[i]);
      if (label >= classes) {
        throw new IllegalArgumentException(file + ": label " + label + " at index " + i + "; expected 0.."
            + (classes - 1));
      }
    }
    return labels;
  }

  private static byte[] read(String file, int magic, int[] dims) {
    if (!HadoopFiles.isFile(file)) {
      throw new IllegalArgumentException(file + ": no such file");
    }
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(open(file), 1 << 16))) {
      int got;
      try {
        got = in.readInt();
      } catch (EOFException e) {
        throw new IllegalArgumentException(file + ": truncated header; expected an idx file");
      }
      if (got != magic) {
        throw new IllegalArgumentException(file + ": magic number 0x" + String.format("%08x", got)
            + "; expected 0x" + String.format("%08x", magic) + " (" + (magic == IMAGES_MAGIC ? "images" : "labels")
            + " idx file)");
      }
      long size = 1;
      for (int k = 0; k < dims.length; k++) {
        int n;
        try {
          n = in.readInt();
        } catch (EOFException e) {
          throw new IllegalArgumentException(file + ": truncated header; expected " + dims.length + " dimensions");
        }
        if (n != dims[k]) {
          throw new IllegalArgumentException(file + ": dimension " + k + " is " + n + "; expected " + dims[k]);
        }
        size *= n;
      }
      byte[] data = new byte[Math.toIntExact(size)];
      try {
        in.readFully(data);
      } catch (EOFException e) {
        throw new IllegalArgumentException(file + ": truncated; expected " + size + " data bytes after the header");
      }
      if (in.read() != -1) {
        throw new IllegalArgumentException(file + ": longer than its header says (" + size + " data bytes)");
      }
      return data;
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot be read (" + ImageFolder.line(e) + ")");
    }
  }

  private static InputStream open(String file) throws IOException {
    InputStream raw = new BufferedInputStream(HadoopFiles.open(file));
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    if (b0 != 0x1f || b1 != 0x8b) {
      return raw;
    }
    try {
      return new GZIPInputStream(raw, 1 << 16);
    } catch (IOException e) {
      raw.close();
      throw e;
    }
  }
}
