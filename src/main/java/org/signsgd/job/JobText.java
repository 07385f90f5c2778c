package org.signsgd.job;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The text of a job file: a regular file of UTF-8 text. A directory, a binary file (a control byte other than
 * tab, line feed or carriage return, which YAML does not allow either) and bytes that are not UTF-8 are each
 * one line that says so and where.
 */
final class JobText {
  /** The largest job file read: the shipped jobs are a few kB; SnakeYAML itself stops at 3 M characters. */
  static final long MAX_BYTES = 1 << 20;

  private JobText() {}

  static String read(Path path, String file) {
    if (Files.isDirectory(path)) {
      throw new JobException(file, null, "is a directory; give a job file such as jobs/quickstart.yaml");
    }
    if (!Files.exists(path)) {
      throw new JobException(file, null, "no such job file; give a path like jobs/quickstart.yaml");
    }
    if (!Files.isRegularFile(path)) {
      throw new JobException(file, null, "is not a regular file; give a job file such as jobs/quickstart.yaml");
    }
    byte[] bytes;
    try {
      if (Files.size(path) > MAX_BYTES) {
        throw new JobException(file, null, "is " + Files.size(path) + " bytes; a job file is YAML text of at most "
            + MAX_BYTES + " bytes");
      }
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new JobException(file, null, "cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xff;
      if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' || b == 0x7f) {
        throw new JobException(file, null, String.format("is binary, not a YAML text file (byte 0x%02X at offset "
            + "%d); give a job file such as jobs/quickstart.yaml", b, i));
      }
    }
    return decode(bytes, file);
  }

  private static String decode(byte[] bytes, String file) {
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = utf8.decode(in, out, true);
    if (result.isError()) {
      int at = in.position();
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < at; i++) {
        if (bytes[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      int column = new String(bytes, lineStart, at - lineStart, StandardCharsets.UTF_8).length() + 1;
      throw new JobException(file, null, String.format("is not UTF-8 text (byte 0x%02X at line %d, column %d); "
          + "save it as UTF-8, e.g. iconv -f latin1 -t utf-8", bytes[at] & 0xff, line, column));
    }
    utf8.flush(out);
    return out.flip().toString();
  }
}
