package org.signsgd.train;

import java.io.Serializable;
import org.signsgd.optim.LearningRate;
import org.signsgd.job.BatchSize;
import org.signsgd.message.MessageKind;
import org.signsgd.vote.TieRule;

/**
 * What every worker needs to know about its run; shipped once per run.
 *
 * @param beta worker momentum β (0 when the momentum is at the server); {@code dampening} its δ
 * @param lookAhead Nesterov's β (0: off): the gradient is taken at x − η_t·β·v, v the worker's momentum, or
 *     the server's (the previous direction) when the momentum is at the server; {@code lr} gives η_t
 * @param labelFlip the Byzantine workers compute their gradients on flipped labels (the label-flip attack)
 * @param ownVectors whether Byzantine workers ship the vector their message encodes (the attack needs it)
 * @param referenceEvery for a network, keep the honest workers' gradients for the reference every this many
 *     iterations (1: every iteration, 0: never); analytic models compute the reference on the driver
 * @param evalEvery test-set evaluation every this many iterations (0: never), and at the last one
 */
public record WorkerPlan(long seed, int workers, boolean[] byzantine, BatchSize batch, double beta,
    double dampening, double weightDecay, double gradientClip, double l2Penalty, boolean labelFlip,
    double lookAhead, LearningRate lr, MessageKind kind, TieRule encoding, int checkEvery, boolean ownVectors,
    int referenceEvery, int evalEvery, int iterations) implements Serializable {

  /** True when iteration t reports the test loss and accuracy (every eval_every, and the last iteration). */
  public boolean evalAt(long t) {
    return evalEvery > 0 && (t % evalEvery == 0 || t == iterations - 1);
  }

  /** True when iteration t needs the honest workers' mean gradient. */
  public boolean referenceAt(long t) {
    return referenceEvery > 0 && t % referenceEvery == 0;
  }
}
