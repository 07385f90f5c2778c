package org.signsgd.attack;

import java.util.ArrayList;
import java.util.List;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;
import org.signsgd.message.SignMessage;
import org.signsgd.vote.SignVector;
import org.signsgd.vote.TieRule;

/** Views built from hand-written signs and vectors. */
final class AttackFixtures {
  private AttackFixtures() {}

  static List<Message> signMessages(int firstWorker, int[][] signs) {
    List<Message> out = new ArrayList<>();
    for (int k = 0; k < signs.length; k++) {
      out.add(new SignMessage(firstWorker + k, SignVector.ofSigns(signs[k])));
    }
    return out;
  }

  static List<Message> denseMessages(int firstWorker, float[][] values) {
    List<Message> out = new ArrayList<>();
    for (int k = 0; k < values.length; k++) {
      out.add(new DenseMessage(firstWorker + k, values[k].clone()));
    }
    return out;
  }

  /** Sign view: Byzantine workers come after the honest ones; their vectors are their signs as floats. */
  static AttackView signView(ThreatModel model, int[][] honest, int[][] byzantine, float[] reference) {
    List<Message> own = signMessages(honest.length, byzantine);
    List<float[]> vectors = new ArrayList<>();
    for (Message m : own) {
      vectors.add(((SignMessage) m).signs().toFloats());
    }
    int d = honest.length > 0 ? honest[0].length : byzantine[0].length;
    return new AttackView(model, MessageKind.SIGN, d, honest.length + byzantine.length, own, vectors,
        model == ThreatModel.OMNISCIENT ? signMessages(0, honest) : null, reference, TieRule.ZERO, 7, 3);
  }

  static AttackView denseView(ThreatModel model, float[][] honest, float[][] byzantine) {
    List<Message> own = denseMessages(honest.length, byzantine);
    List<float[]> vectors = new ArrayList<>();
    for (float[] b : byzantine) {
      vectors.add(b.clone());
    }
    return new AttackView(model, MessageKind.DENSE, honest[0].length, honest.length + byzantine.length, own,
        vectors, model == ThreatModel.OMNISCIENT ? denseMessages(0, honest) : null, null, TieRule.ZERO, 7, 3);
  }

  static int[] signs(Message m) {
    return ((SignMessage) m).signs().toSigns();
  }
}
