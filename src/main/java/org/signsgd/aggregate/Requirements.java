package org.signsgd.aggregate;

import java.util.List;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;

/** The checks every rule shares, with the bound in the message. */
public final class Requirements {
  private Requirements() {}

  /** n ≥ 1 and 0 ≤ f ≤ n − 1 (at least one honest worker). */
  public static void basic(String rule, int n, int f) {
    if (n < 1) {
      throw new IllegalArgumentException(rule + ": n=" + n + " workers; allowed: n >= 1");
    }
    if (f < 0 || f > n - 1) {
      throw new IllegalArgumentException(rule + ": f=" + f + " declared Byzantine with n=" + n
          + "; allowed: 0 <= f <= " + (n - 1));
    }
  }

  /** n ≥ 2f + 1: an honest majority (median-like rules). */
  public static void majority(String rule, int n, int f) {
    basic(rule, n, f);
    if (n < 2 * f + 1) {
      throw new IllegalArgumentException(rule + ": n=" + n + " with f=" + f + "; allowed: n >= 2f + 1, i.e. f <= "
          + (n - 1) / 2);
    }
  }

  /** Every message is of {@code kind} and dimension d; returns d. */
  static int sameShape(String rule, List<Message> messages, MessageKind kind) {
    if (messages.isEmpty()) {
      throw new IllegalArgumentException(rule + ": no message to aggregate; allowed: at least 1");
    }
    int d = messages.get(0).dimension();
    for (Message m : messages) {
      if (m.kind() != kind) {
        throw new IllegalArgumentException(rule + ": worker " + m.worker() + " sent a " + m.kind().label()
            + " message; allowed: " + kind.label());
      }
      if (m.dimension() != d) {
        throw new IllegalArgumentException(rule + ": worker " + m.worker() + " sent d=" + m.dimension()
            + "; expected d=" + d + " like worker " + messages.get(0).worker());
      }
    }
    return d;
  }
}
