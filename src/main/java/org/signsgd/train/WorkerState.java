package org.signsgd.train;

import java.io.Serializable;

/** One worker's replica x and momentum v. Steps never modify a state in place: a cached copy stays valid. */
public record WorkerState(int worker, float[] x, float[] v) implements Serializable {
  public WorkerState copy() {
    return new WorkerState(worker, x.clone(), v.clone());
  }
}
