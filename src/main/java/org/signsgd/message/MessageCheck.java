package org.signsgd.message;

import java.util.ArrayList;
import java.util.List;
import org.signsgd.vote.SignVector;

/**
 * Driver-side validation of every message before it reaches a rule: the expected kind, the model's
 * dimension, finite values. A malformed sign message becomes an abstention (all zeros); a malformed dense
 * message is dropped. Nothing here throws on a bad message: the count goes to {@code malformed_messages}.
 */
public final class MessageCheck {
  private MessageCheck() {}

  /** The checked messages and how many were malformed. */
  public record Checked(List<Message> messages, int malformed) {}

  public static Checked check(List<? extends Message> messages, MessageKind kind, int dimension) {
    List<Message> out = new ArrayList<>(messages.size());
    int malformed = 0;
    for (Message m : messages) {
      if (m != null && isWellFormed(m, kind, dimension)) {
        out.add(m);
        continue;
      }
      malformed++;
      if (kind == MessageKind.SIGN && m != null) {
        out.add(new SignMessage(m.worker(), SignVector.allZero(dimension)));
      }
    }
    return new Checked(List.copyOf(out), malformed);
  }

  private static boolean isWellFormed(Message m, MessageKind kind, int dimension) {
    if (m.kind() != kind || m.dimension() != dimension) {
      return false;
    }
    return !(m instanceof DenseMessage dense) || dense.isFinite();
  }
}
