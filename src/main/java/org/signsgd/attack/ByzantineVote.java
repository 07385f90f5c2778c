package org.signsgd.attack;

import java.util.List;
import java.util.Set;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;
import org.signsgd.message.SignMessage;
import org.signsgd.rng.SeedStreams;
import org.signsgd.vote.SignVector;
import org.signsgd.vote.VoteTally;

/**
 * The practical omniscient attack of Mengoli et al. 2025, §5 and Table 3: the Byzantine workers compute their
 * own minibatch gradients g̃_v, form ô = sign(Σ_{v∈B} sign(g̃_v)) (their own majority vote) and all send −ô.
 * It needs no honest data, only collusion. {@code source: gradients} takes ô = sign(Σ_{v∈B} g̃_v) instead
 * (the other reading of Table 3's "flipping the sign of the aggregated adversary gradient"; the default follows
 * §5's "majority vote"). A tied vote (B even) is resolved by the run's encoding.
 */
public final class ByzantineVote implements Attack {
  public static final String NAME = "byzantine-vote";
  private static final AttackInfo INFO = new AttackInfo(NAME, ThreatModel.BLIND, Set.of(MessageKind.SIGN));

  /** What the Byzantines aggregate. */
  public enum Source {
    SIGNS,
    GRADIENTS;

    static Source parse(String s) {
      return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
  }

  private final Source source;

  public ByzantineVote(Source source) {
    this.source = source;
  }

  @Override
  public AttackInfo info() {
    return INFO;
  }

  @Override
  public boolean needsOwnVectors() {
    return source == Source.GRADIENTS;
  }

  @Override
  public List<Message> forge(AttackView view) {
    Forging.requireKind(NAME, view, MessageKind.SIGN);
    if (view.byzantine() == 0) {
      return List.of();
    }
    SignVector estimate = source == Source.SIGNS ? voteOfOwnSigns(view) : signOfGradientSum(view);
    return Forging.allSend(view, estimate.negate());
  }

  private static SignVector voteOfOwnSigns(AttackView view) {
    VoteTally tally = new VoteTally(view.dimension());
    for (Message m : view.own()) {
      tally.add(((SignMessage) m).signs());
    }
    return tally.result(view.encoding(), view.rng(SeedStreams.DRIVER));
  }

  private static SignVector signOfGradientSum(AttackView view) {
    double[] sum = new double[view.dimension()];
    for (float[] v : view.ownVectors()) {
      for (int i = 0; i < sum.length; i++) {
        sum[i] += v[i];
      }
    }
    float[] s = new float[sum.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = (float) Math.signum(sum[i]);
    }
    return SignVector.pack(s, view.encoding(), view.rng(SeedStreams.DRIVER));
  }
}
