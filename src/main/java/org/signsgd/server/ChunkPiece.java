package org.signsgd.server;

import java.io.Serializable;
import org.signsgd.message.Message;

/**
 * One worker's part of one chunk: its message's coordinates (null when the message was not of the run's
 * dimension), the vector that message encodes when the worker is Byzantine and the attack reads it, and the
 * honest worker's sampled gradient when the variance-norm ratio is taken as sampled (else null).
 */
public record ChunkPiece(int worker, Message message, float[] ownVector, float[] sampled) implements Serializable {}
