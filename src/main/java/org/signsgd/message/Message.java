package org.signsgd.message;

import java.io.Serializable;

/**
 * One worker's uplink message for one iteration. Messages are immutable by contract: aggregators and attacks
 * MUST NOT modify the vector a message holds.
 */
public sealed interface Message extends Serializable permits SignMessage, DenseMessage {
  /** The worker (Spark partition) index, 0..Q-1. */
  int worker();

  /** Number of model coordinates. */
  int dimension();

  MessageKind kind();

  /** Bytes the message costs on the wire, header included. */
  long wireBytes();
}
