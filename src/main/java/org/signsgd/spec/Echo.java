package org.signsgd.spec;

/**
 * A value from a job as a one-line error message shows it: control characters and line breaks escaped, empty
 * text as '', at most
 * {@value #MAX} characters, and a longer value cut with its length ("[[[[[[… (6001 characters)"), so that a
 * deeply nested or huge value never floods the terminal.
 */
public final class Echo {
  /** Characters of a value an error message shows before it cuts the value. */
  public static final int MAX = 60;
  private static final int HEAD = 44;

  private Echo() {}

  /**
   * The first line of a message that is not blank: Spark's parse errors start with a newline, and its task
   * failures carry the executor's stack trace after the first line.
   */
  public static String firstLine(String message) {
    String m = String.valueOf(message);
    return m.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(m.strip());
  }

  public static String of(Object value) {
    if (value instanceof byte[] bytes) {
      return "binary data (" + bytes.length + " bytes)";
    }
    String text = String.valueOf(value);
    if (text.isEmpty()) {
      return "''";
    }
    String shown = escape(text);
    if (shown.codePointCount(0, shown.length()) <= MAX) {
      return shown;
    }
    return shown.substring(0, shown.offsetByCodePoints(0, HEAD)) + "… (" + text.codePointCount(0, text.length())
        + " characters)";
  }

  /** Line breaks and other control characters as Java escapes, so that a message stays one line. */
  public static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
