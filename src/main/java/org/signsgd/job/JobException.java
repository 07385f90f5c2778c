package org.signsgd.job;

import org.signsgd.spec.Echo;

/**
 * Bad input in a job: one line that names the file, the key, what is wrong and what is allowed. The line is at
 * most {@value #MAX} characters, so that with the command line's "error: " in front it fits 300: a long file
 * name keeps its end, a long key its start, and a long list after "allowed: " keeps its first entries and says
 * how many it left out.
 */
public final class JobException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  /** The longest message: 300 characters on stderr, less the command line's "error: ". */
  public static final int MAX = 293;
  private static final int MAX_FILE = 100;
  /** The fewest characters of the file's name a long message keeps (its end: the name, and a grid's run). */
  private static final int MIN_FILE = 40;
  private static final String ALLOWED = "; allowed: ";

  public JobException(String file, String key, String problem) {
    super(line(file, key, problem));
  }

  static String line(String file, String key, String problem) {
    String f = Echo.escape(String.valueOf(file));
    if (f.length() > MAX_FILE) {
      f = "…" + f.substring(f.length() - MAX_FILE + 1);
    }
    String k = key == null || key.isEmpty() ? "" : Echo.of(key) + ": ";
    String p = Echo.escape(String.valueOf(problem));
    String message = f + ": " + k + p;
    if (message.length() > MAX && f.length() > MIN_FILE) {
      // the problem's end (how to fix it) matters more than the file's leading directories
      int keep = Math.max(MIN_FILE, f.length() - (message.length() - MAX));
      f = "…" + f.substring(f.length() - keep + 1);
      message = f + ": " + k + p;
    }
    if (message.length() <= MAX) {
      return message;
    }
    int allowed = message.indexOf(ALLOWED);
    if (allowed >= 0) {
      message = shortenList(message, allowed + ALLOWED.length());
    }
    return message.length() <= MAX ? message : message.substring(0, MAX - 1) + "…";
  }

  /** Keeps the first entries of the comma-separated list that starts at {@code from}: "a, b, … (12 more)". */
  private static String shortenList(String message, int from) {
    String[] items = message.substring(from).split(", ");
    StringBuilder kept = new StringBuilder(message.substring(0, from));
    for (int i = 0; i < items.length; i++) {
      String more = (i == 0 ? "" : ", ") + "… (" + (items.length - i) + " more)";
      String next = (i == 0 ? "" : ", ") + items[i];
      String after = i + 1 < items.length ? ", … (" + (items.length - i - 1) + " more)" : "";
      if (kept.length() + next.length() + after.length() > MAX) {
        return kept + more;
      }
      kept.append(next);
    }
    return kept.toString();
  }
}
