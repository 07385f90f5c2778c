package org.signsgd.attack;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;
import org.signsgd.message.SignMessage;
import org.signsgd.vote.SignVector;

/** Small helpers the attacks share. */
final class Forging {
  private Forging() {}

  /** One forged message per Byzantine worker, built by {@code make(worker, index)}. */
  static List<Message> perWorker(AttackView view, BiFunction<Integer, Integer, Message> make) {
    List<Message> out = new ArrayList<>(view.byzantine());
    for (int k = 0; k < view.byzantine(); k++) {
      out.add(make.apply(view.own().get(k).worker(), k));
    }
    return out;
  }

  /** Every Byzantine worker sends the same signs. */
  static List<Message> allSend(AttackView view, SignVector signs) {
    return perWorker(view, (worker, k) -> new SignMessage(worker, signs));
  }

  /** Every Byzantine worker sends a copy of the same dense vector. */
  static List<Message> allSend(AttackView view, float[] values) {
    return perWorker(view, (worker, k) -> new DenseMessage(worker, values.clone()));
  }

  static void requireKind(String attack, AttackView view, MessageKind kind) {
    if (view.kind() != kind) {
      throw new IllegalArgumentException(attack + " forges " + kind.label() + " messages; this run sends "
          + view.kind().label() + " messages");
    }
  }

  static float[] negated(float[] v) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = -v[i];
    }
    return out;
  }
}
