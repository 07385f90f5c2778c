package org.signsgd.server;

import java.util.ArrayList;
import java.util.List;
import org.signsgd.aggregate.Aggregator;
import org.signsgd.attack.Attack;
import org.signsgd.message.Message;
import org.signsgd.vote.SignVector;

/**
 * {@code aggregation: driver}: every chunk in turn on the driver, with the driver's own rule and attack (a stateful
 * rule keeps its state there). The messages (one per worker, null when a worker sent none), the Byzantine
 * workers' vectors and the sampled gradients are indexed by worker (null: none).
 */
public final class LocalChunks implements ServerStep.ChunkRunner {
  private final Aggregator rule;
  private final Attack attack;
  private final ServerPlan plan;
  private final List<Message> messages;
  private final float[][] ownVectors;
  private final float[][] sampled;
  private final float[] reference;
  private final SignVector referenceSigns;
  private final java.io.Serializable[] states;

  /**
   * @param states a chunk-stateful rule's state per chunk, kept by the caller across rounds and updated here when a
   *     chunk finishes a round (null for other rules)
   */
  public LocalChunks(Aggregator rule, Attack attack, ServerPlan plan, List<Message> messages, float[][] ownVectors,
      float[][] sampled, float[] reference, SignVector referenceSigns, java.io.Serializable[] states) {
    this.rule = rule;
    this.attack = attack;
    this.plan = plan;
    this.messages = messages;
    this.ownVectors = ownVectors;
    this.sampled = sampled;
    this.reference = reference;
    this.referenceSigns = referenceSigns;
    this.states = states;
  }

  @Override
  public List<ChunkResult> run(Round round) {
    Chunks chunks = plan.chunks();
    List<ChunkResult> out = new ArrayList<>(chunks.count());
    java.io.Serializable[] finished = states == null ? null : states.clone();
    for (int c = 0; c < chunks.count(); c++) {
      List<ChunkPiece> pieces = new ArrayList<>(messages.size());
      for (int i = 0; i < messages.size(); i++) {
        Message m = messages.get(i);
        int w = i;
        pieces.add(new ChunkPiece(w, c, chunks.slice(m, c), chunks.slice(ownVectors[w], c),
            round.sampled() ? chunks.slice(sampled[w], c) : null));
      }
      ChunkResult r = ChunkWork.run(rule, attack, plan, round, c, pieces, chunks.slice(reference, c),
          referenceSigns == null ? null : chunks.count() == 1 ? referenceSigns
              : referenceSigns.slice(chunks.from(c), chunks.to(c)), states == null ? null : states[c]);
      if (finished != null && r.state() != null) {
        finished[c] = r.state();
      }
      out.add(r.withoutState());
    }
    // a round whose every chunk finished is the round: its states replace the old ones (a retry keeps them)
    if (states != null && out.stream().allMatch(r -> r.complete() && r.direction() != null)) {
      System.arraycopy(finished, 0, states, 0, states.length);
    }
    return out;
  }
}
