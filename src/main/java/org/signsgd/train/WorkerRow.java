package org.signsgd.train;

import java.io.Serializable;
import org.signsgd.metrics.Nullable;

/**
 * One row of {@code workers/} ({@link org.signsgd.metrics.WorkerSchema}; {@code worker_metrics: true}): worker
 * {@code worker}'s message at {@code iteration}, as the server received it (after the attack).
 *
 * @param agreement the fraction of coordinates where the message's sign equals the applied direction's sign
 * @param weight the weight the rule gave the message (signSGD-FD: the mean of its LLR weights over the
 *     coordinates; negative when the decoder has learned that the worker inverts); null for unweighted rules
 * @param byzantine whether the worker is one of the run's Byzantine workers
 * @param device where the worker's task ran ({@link DeviceBinding}): {@code cpu}, or {@code gpu:ADDRESS} with Spark's
 *     address of the task's GPU ({@code gpu:ADDRESS/cuda:ORDINAL} when CUDA_VISIBLE_DEVICES maps it to another CUDA
 *     ordinal); null in rows written before the column existed
 */
public record WorkerRow(String runId, long iteration, int worker, Double agreement, Double weight,
    boolean byzantine, @Nullable String device) implements Serializable {}
