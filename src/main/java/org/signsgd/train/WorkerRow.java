package org.signsgd.train;

import java.io.Serializable;

/**
 * One row of {@code workers/} ({@link org.signsgd.metrics.WorkerSchema}; {@code worker_metrics: true}): worker
 * {@code worker}'s message at {@code iteration}, as the server received it (after the attack).
 *
 * @param agreement the fraction of coordinates where the message's sign equals the applied direction's sign
 * @param weight the weight the rule gave the message (signSGD-FD: the mean of its LLR weights over the
 *     coordinates; negative when the decoder has learned that the worker inverts); null for unweighted rules
 * @param byzantine whether the worker is one of the run's Byzantine workers
 */
public record WorkerRow(String runId, long iteration, int worker, Double agreement, Double weight,
    boolean byzantine) implements Serializable {}
