package org.signsgd.attack;

import java.util.List;
import java.util.Set;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;
import org.signsgd.rng.SeedStreams;
import org.signsgd.vote.SignVector;

/**
 * The strongest attack on the vote: every Byzantine worker sends −sign(g), g the true gradient, so the
 * Byzantine part of the vote is K' = αQ(−sign g). Mengoli, Moll, Strozzi, El-Mhamdi, "On the Byzantine Fault
 * Tolerance of signSGD with Majority Vote", 2025, Thm 3.5. A coordinate with g_i = 0 is sent as
 * sign(0) of the run's encoding (the paper leaves that case open; it is irrelevant in practice).
 */
public final class Omniscient implements Attack {
  public static final String NAME = "omniscient";
  private static final AttackInfo INFO = new AttackInfo(NAME, ThreatModel.OMNISCIENT, Set.of(MessageKind.SIGN));

  @Override
  public AttackInfo info() {
    return INFO;
  }

  @Override
  public boolean needsReference() {
    return true;
  }

  @Override
  public List<Message> forge(AttackView view) {
    Forging.requireKind(NAME, view, MessageKind.SIGN);
    float[] g = view.referenceGradient(NAME);
    SignVector opposite = SignVector.pack(Forging.negated(g), view.encoding(),
        view.rng(SeedStreams.DRIVER));
    return Forging.allSend(view, opposite);
  }
}
