package org.signsgd.train;

import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;
import org.signsgd.message.SignMessage;
import org.signsgd.model.GradientModel;
import org.signsgd.optim.GradientShaping;
import org.signsgd.optim.WorkerMomentum;
import org.signsgd.rng.SeedStreams;
import org.signsgd.server.SampledGradient;
import org.signsgd.vote.SignVector;

/**
 * The worker's half of one iteration (the driver's half is {@link Driver}), a plain function of its inputs:
 * x ← x − η_{t−1}(direction_{t−1} + λx); g = ∇f_batch(x); v ← βv + (1 − δ)g; message = sign(v) or v.
 */
public final class WorkerStep {
  private WorkerStep() {}

  /** The step of a worker whose thread is bound here ({@link DeviceBinding}): the in-process engine's. */
  public static WorkerSlot step(GradientModel model, WorkerPlan plan, WorkerState before, Downlink down) {
    return step(model, plan, before, down, DeviceBinding.bind(plan.gpu()));
  }

  /**
   * The step of a worker whose task's thread is already bound.
   *
   * @param device where it runs ({@link DeviceBinding#bind}), recorded in its uplink
   */
  public static WorkerSlot step(GradientModel model, WorkerPlan plan, WorkerState before, Downlink down,
      String device) {
    return step(model, plan, before, device, new ReplicaUpdate(down, plan.weightDecay()));
  }

  /**
   * The step of one of several workers a task steps at this iteration, all given the same {@code replicas}: their
   * replicas are updated once, and shared ({@link ReplicaUpdate}).
   */
  static WorkerSlot step(GradientModel model, WorkerPlan plan, WorkerState before, String device,
      ReplicaUpdate replicas) {
    Downlink down = replicas.downlink();
    WorkerState s = new WorkerState(before.worker(), replicas.apply(before.x()), before.v().clone());
    long t = down.iteration();
    int w = s.worker();
    long start = System.nanoTime();
    float[] g = new float[s.x().length];
    float[] point = at(plan, s, down);
    model.takeBadImages(); // a count left on this thread by an earlier, failed task is not this batch's
    double batchLoss = model.stochasticGradient(point, plan.batch().at(t), t, w, g,
        plan.labelFlip() && plan.byzantine()[w]);
    long badImages = model.takeBadImages();
    GradientShaping.apply(g, point, plan.l2Penalty(), plan.gradientClip());
    long compute = System.nanoTime() - start;
    long encodeStart = System.nanoTime();
    boolean byzantine = plan.byzantine()[w];
    float[] previousV = !byzantine && plan.sending().sampledGradients() ? s.v().clone() : null;
    WorkerMomentum.accumulate(s.v(), g, plan.beta(), plan.dampening());
    Message message = plan.kind() == MessageKind.SIGN
        ? new SignMessage(w, SignVector.pack(s.v(), plan.encoding(),
            SeedStreams.of(plan.seed(), t, w, SeedStreams.Purpose.TIE)))
        : new DenseMessage(w, s.v()); // v is not written after this step (the next one copies it): shared
    long encode = System.nanoTime() - encodeStart;
    boolean check = t % plan.checkEvery() == 0;
    Uplink up = new Uplink(w, message, byzantine && plan.ownVectors() ? s.v() : null, check,
        check ? replicas.checksum(s.x()) : 0L, batchLoss,
        plan.evalAt(t) ? model.testSlice(s.x(), w, plan.workers()) : null, compute, encode, badImages, device);
    // v_{-1} = 0: at t = 0 the recovery's "before" is null, as on the driver
    float[] sampled = previousV == null ? null : SampledGradient.recover(s.v(), t == 0 ? null : previousV, plan.beta(),
        plan.dampening());
    return new WorkerSlot(s, up, !byzantine && plan.referenceAt(t) ? g : null, sampled);
  }

  /**
   * Where the gradient is taken: x, or with Nesterov the look-ahead x − η_t·β·v (El Mhamdi et al. 2021, LPD
   * {@code --momentum-nesterov}), v the worker's momentum, or the server's when the
   * momentum is at the server (the direction the downlink carried).
   */
  static float[] at(WorkerPlan plan, WorkerState s, Downlink down) {
    if (plan.lookAhead() == 0) {
      return s.x();
    }
    float[] v = plan.beta() > 0 ? s.v() : down.previous() == null ? null : down.previous().toFloats();
    if (v == null) {
      return s.x();
    }
    double c = plan.lr().at(down.iteration()) * plan.lookAhead();
    float[] ahead = s.x().clone();
    for (int i = 0; i < ahead.length; i++) {
      ahead[i] = (float) (ahead[i] - c * v[i]);
    }
    return ahead;
  }

  /** A cheap checksum of a replica's bits. */
  public static long checksum(float[] x) {
    long h = 1125899906842597L;
    for (float v : x) {
      h = 31 * h + Float.floatToRawIntBits(v);
    }
    return h;
  }
}
