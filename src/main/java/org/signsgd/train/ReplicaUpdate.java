package org.signsgd.train;

import java.util.Arrays;

/**
 * The replica update x ← x − η_{t−1}(direction_{t−1} + λx) of the workers one task steps at one iteration, run once
 * per distinct replica instead of once per worker. Every replica follows the same downlink, so the workers of a task
 * hold equal replicas: the first worker's updated array goes to each next worker whose replica is the same array or
 * has the same values (after a start or a resume, until the first update), and from then on the task's workers share
 * one array. Sharing cannot change a value: an array a {@link WorkerState} holds is never written after the step that
 * made it (the update writes a new array; the gradient, the look-ahead and the evaluation only read x). It saves a
 * pass over d per worker, and the persisted states hold one replica per task rather than one per worker (at
 * ResNet-50's d a replica is 102 MB).
 *
 * <p>Equal values are compared as {@link Arrays#equals(float[], float[])} does: bit for bit, except that all NaNs
 * are one value (a replica with a NaN has diverged, and the run stops on its loss).
 */
final class ReplicaUpdate {
  private final Downlink down;
  private final double weightDecay;
  private float[] before;
  private float[] after;
  private long checksum;
  private boolean summed;

  ReplicaUpdate(Downlink down, double weightDecay) {
    this.down = down;
    this.weightDecay = weightDecay;
  }

  /** The downlink this update applies; a step MUST be given the update of its own downlink. */
  Downlink downlink() {
    return down;
  }

  /** x after this iteration's update: a new array, or the one an equal replica got (never {@code x} written). */
  float[] apply(float[] x) {
    if (before != null && (x == before || Arrays.equals(x, before))) {
      return after;
    }
    float[] next = x;
    if (down.previous() != null) {
      next = x.clone();
      down.previous().applyTo(next, down.previousLr(), weightDecay);
    }
    before = x;
    after = next;
    summed = false;
    return next;
  }

  /** {@link WorkerStep#checksum} of an array this update returned, taken once however many workers share it. */
  long checksum(float[] x) {
    if (x != after) {
      return WorkerStep.checksum(x);
    }
    if (!summed) {
      checksum = WorkerStep.checksum(x);
      summed = true;
    }
    return checksum;
  }
}
