package org.signsgd.train;

import java.io.Serializable;
import org.signsgd.aggregate.Aggregator;
import org.signsgd.attack.Attack;
import org.signsgd.job.BatchSize;
import org.signsgd.job.JobSpec;
import org.signsgd.message.MessageKind;
import org.signsgd.optim.LearningRate;
import org.signsgd.vote.TieRule;

/**
 * What every worker needs to know about its run; shipped once per run.
 *
 * @param byzantine which workers are Byzantine, by worker id
 * @param labelFlip the Byzantine workers compute their gradients on flipped labels (the label-flip attack)
 * @param gpu {@code device: gpu}: every task must find a GPU and ND4J's CUDA backend ({@link DeviceBinding})
 */
public record WorkerPlan(long seed, int workers, boolean[] byzantine, BatchSize batch, LearningRate lr,
    boolean labelFlip, Momentum momentum, Shaping shaping, Sending sending, Cadence cadence, boolean gpu)
    implements Serializable {

  /**
   * Worker momentum v ← βv + (1 − δ)g.
   *
   * @param beta β (0 when the momentum is at the server)
   * @param dampening δ
   * @param lookAhead Nesterov's β (0: off): the gradient is taken at x − η_t·β·v, v the worker's momentum, or the
   *     server's (the previous direction) when the momentum is at the server
   */
  public record Momentum(double beta, double dampening, double lookAhead) implements Serializable {}

  /** What is done to the sampled gradient and to x: λ of the update, the clip norm, the unsquared L2 penalty. */
  public record Shaping(double weightDecay, double gradientClip, double l2Penalty) implements Serializable {}

  /**
   * What a worker sends.
   *
   * @param encoding how sign(0) goes on the uplink
   * @param ownVectors whether Byzantine workers ship the vector their message encodes (the attack needs it)
   * @param sampledGradients whether honest workers keep their sampled gradient beside the message, for the
   *     sharded server's variance-norm ratio (dense rules with worker momentum)
   */
  public record Sending(MessageKind kind, TieRule encoding, boolean ownVectors, boolean sampledGradients)
      implements Serializable {}

  /**
   * How often the occasional work happens.
   *
   * @param checkEvery replica checksums every this many iterations
   * @param referenceEvery for a network, keep the honest workers' gradients for the reference every this many
   *     iterations (1: every iteration, 0: never); analytic models compute the reference on the driver
   * @param evalEvery test-set evaluation every this many iterations (0: never), and at the last one
   */
  public record Cadence(int checkEvery, int referenceEvery, int evalEvery, int iterations) implements Serializable {}

  /** The plan of a job's run with its rule and attack; {@code exact}: an analytic model (its reference is exact). */
  static WorkerPlan of(JobSpec spec, boolean[] byzantine, LearningRate lr, Aggregator rule, Attack attack,
      boolean exact) {
    boolean atServer = spec.momentumAt().equals("server");
    return new WorkerPlan(spec.seed(), spec.workers(), byzantine, spec.batchSize(), lr, attack.flipsLabels(),
        new Momentum(atServer ? 0 : spec.momentumBeta(), atServer ? 0 : spec.momentumDampening(),
            spec.nesterov() ? spec.momentumBeta() : 0),
        new Shaping(spec.weightDecay(), spec.gradientClip(), spec.l2Penalty()),
        new Sending(rule.kind(), rule.encoding(), attack.needsOwnVectors(), false),
        new Cadence(spec.checkEvery(), exact ? 0 : attack.needsReference() ? 1 : spec.referenceEvery(),
            spec.evalEvery(), spec.iterations()), spec.gpu());
  }

  /** This plan with honest workers keeping their sampled gradients (the sharded server's dense momentum runs). */
  WorkerPlan withSampledGradients() {
    boolean keep = sending.kind() == MessageKind.DENSE && momentum.beta() > 0;
    return new WorkerPlan(seed, workers, byzantine, batch, lr, labelFlip, momentum, shaping,
        new Sending(sending.kind(), sending.encoding(), sending.ownVectors(), keep), cadence, gpu);
  }

  public double beta() {
    return momentum.beta();
  }

  public double dampening() {
    return momentum.dampening();
  }

  public double lookAhead() {
    return momentum.lookAhead();
  }

  public double weightDecay() {
    return shaping.weightDecay();
  }

  public double gradientClip() {
    return shaping.gradientClip();
  }

  public double l2Penalty() {
    return shaping.l2Penalty();
  }

  public MessageKind kind() {
    return sending.kind();
  }

  public TieRule encoding() {
    return sending.encoding();
  }

  public boolean ownVectors() {
    return sending.ownVectors();
  }

  public int checkEvery() {
    return cadence.checkEvery();
  }

  /** True when iteration t reports the test loss and accuracy (every eval_every, and the last iteration). */
  public boolean evalAt(long t) {
    return cadence.evalEvery() > 0 && (t % cadence.evalEvery() == 0 || t == cadence.iterations() - 1);
  }

  /** True when iteration t needs the honest workers' mean gradient. */
  public boolean referenceAt(long t) {
    return cadence.referenceEvery() > 0 && t % cadence.referenceEvery() == 0;
  }
}
