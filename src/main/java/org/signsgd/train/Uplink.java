package org.signsgd.train;

import java.io.Serializable;
import org.signsgd.message.Message;
import org.signsgd.model.GradientModel;

/**
 * What one worker returns for one iteration: its message, the vector the message encodes when the worker is
 * Byzantine and the attack needs it (for the colluding part of an attack, played on the driver), a checksum of
 * its replica on check iterations (else 0 with {@code checked} false), its minibatch loss (NaN for analytic
 * models), its share of the test-set evaluation on evaluation iterations of a network (else null) and the
 * gradient time, the time of momentum and encoding, and how many images of its minibatch could not be decoded
 * (each replaced; {@link GradientModel#takeBadImages}), and where the worker ran ({@link DeviceBinding.Bound#label()}:
 * {@code cpu}, {@code gpu:ADDRESS}).
 */
public record Uplink(int worker, Message message, float[] byzantineVector, boolean checked, long checksum,
    double batchLoss, GradientModel.TestSums test, long computeNanos, long encodeNanos, long badImages,
    String device) implements Serializable {

  /** An uplink of a worker that ran on the CPU. */
  public Uplink(int worker, Message message, float[] byzantineVector, boolean checked, long checksum,
      double batchLoss, GradientModel.TestSums test, long computeNanos, long encodeNanos, long badImages) {
    this(worker, message, byzantineVector, checked, checksum, batchLoss, test, computeNanos, encodeNanos, badImages,
        DeviceBinding.CPU);
  }

  /** This uplink without its vectors: what the driver collects when the server's work is sharded. */
  Uplink withoutVectors() {
    return new Uplink(worker, null, null, checked, checksum, batchLoss, test, computeNanos, encodeNanos, badImages,
        device);
  }
}
