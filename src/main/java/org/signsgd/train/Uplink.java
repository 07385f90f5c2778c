package org.signsgd.train;

import java.io.Serializable;
import org.signsgd.message.Message;

/**
 * What one worker returns for one iteration: its message, the vector the message encodes when the worker is
 * Byzantine (for the colluding part of an attack, played on the driver), a checksum of its replica on
 * check iterations (else 0 with {@code checked} false), and the gradient time.
 */
public record Uplink(int worker, Message message, float[] byzantineVector, boolean checked, long checksum,
    long computeNanos) implements Serializable {}
