package org.signsgd.server;

import java.io.Serializable;
import org.signsgd.message.MessageKind;
import org.signsgd.spec.RuleSpec;
import org.signsgd.vote.TieRule;

/**
 * What the server's work on one chunk needs to know about the run; shipped once per run to the shards.
 *
 * @param workers Q
 * @param declaredByzantine f, as the rule is told
 * @param byzantine which workers are Byzantine, by worker id
 * @param whole the rule is not coordinate-wise: one chunk spans all of d (the driver path only)
 * @param workerMetrics count each received message's agreement with the direction (the workers/ rows)
 */
public record ServerPlan(long seed, int workers, int declaredByzantine, boolean[] byzantine, MessageKind kind,
    int dimension, RuleSpec rule, RuleSpec attack, TieRule encoding, boolean whole, boolean workerMetrics)
    implements Serializable {

  public Chunks chunks() {
    return Chunks.of(dimension, whole);
  }
}
