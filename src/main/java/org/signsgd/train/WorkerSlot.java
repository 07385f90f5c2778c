package org.signsgd.train;

import java.io.Serializable;

/**
 * A worker's state after a step, with what it sent: one element of the Spark state RDD. {@code gradient} is
 * the honest worker's raw minibatch gradient on reference iterations (summed by {@code treeAggregate}, never
 * collected), else null. {@code sampled} is the honest worker's sampled gradient as the sharded server recovers it
 * from the momentum ({@link org.signsgd.server.SampledGradient}), when the plan keeps it, else null.
 */
public record WorkerSlot(WorkerState state, Uplink uplink, float[] gradient, float[] sampled)
    implements Serializable {

  /** A state before its first step (or restored from a resume point). */
  static WorkerSlot of(WorkerState state) {
    return new WorkerSlot(state, null, null, null);
  }
}
