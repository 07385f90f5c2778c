package org.signsgd.train;

import java.io.Serializable;

/**
 * One worker's replica x and momentum v. Steps never modify a state in place: a cached copy stays valid. Nothing
 * writes into x or v once they are in a state, so they are shared: the workers one task steps hold the same x
 * ({@link ReplicaUpdate}), and v is the worker's dense message (and its own vector, for the attack) too.
 */
public record WorkerState(int worker, float[] x, float[] v) implements Serializable {
  /** A deep copy (a resume point's, in tests). */
  public WorkerState copy() {
    return new WorkerState(worker, x.clone(), v.clone());
  }
}
