package org.signsgd.server;

import java.io.Serializable;
import org.signsgd.message.Message;

/**
 * One worker's part of one chunk: its message's coordinates (the whole message when it is not of the run's
 * dimension, null when the worker sent none), the vector that message encodes when the worker is Byzantine and the attack reads it, and the
 * honest worker's sampled gradient when the variance-norm ratio is taken as sampled (else null).
 */
public record ChunkPiece(int worker, int chunk, Message message, float[] ownVector, float[] sampled)
    implements Serializable {}
