package org.signsgd.aggregate;

import java.util.ArrayList;
import java.util.List;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;
import org.signsgd.message.SignMessage;
import org.signsgd.vote.SignVector;
import org.signsgd.vote.TieRule;
import org.signsgd.vote.VoteTally;

/**
 * signSGD with majority vote: direction = sign(Σ_m sign(v_m)), Bernstein et al., "signSGD with Majority Vote
 * is Communication Efficient and Fault Tolerant", ICLR 2019, Algorithm 1; Akoun and Meyer, arXiv 2202.02085,
 * Algorithm 1 (with worker momentum: Signum). Counted bit-sliced by {@link VoteTally}; a tie (V = 0) follows
 * {@code tie} (default {@code zero}: the coordinate does not move, as with torch.sign in Akoun and Meyer's code).
 * <p>The math and a worked example: docs/aggregators.md#majority-vote.
 */
public final class MajorityVote implements Aggregator {
  /** Q of the last round (every sign weighs 1 in a plain vote). */
  private int workers;

  @Override
  public double[] lastWeights() {
    if (workers == 0) {
      return null;
    }
    double[] w = new double[workers];
    java.util.Arrays.fill(w, 1.0);
    return w;
  }

  public static final String NAME = "majority-vote";
  private final TieRule tie;

  public MajorityVote(TieRule tie) {
    this.tie = tie;
  }

  public TieRule tie() {
    return tie;
  }

  /** The workers encode sign(0) by the vote's own tie rule. */
  @Override
  public TieRule encoding() {
    return tie;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Coordinate by coordinate: the server may run it chunk by chunk. */
  @Override
  public boolean coordinateWise() {
    return true;
  }

  @Override
  public MessageKind kind() {
    return MessageKind.SIGN;
  }

  @Override
  public Direction aggregate(List<Message> messages, AggregationContext ctx) {
    int d = Requirements.sameShape(NAME, messages, MessageKind.SIGN);
    workers = ctx.workers();
    List<SignVector> signs = new ArrayList<>(messages.size());
    for (Message m : messages) {
      signs.add(((SignMessage) m).signs());
    }
    return new Direction.Signs(VoteTally.majority(signs, d, tie, ctx.rng()));
  }
}
