package org.signsgd.train;

import java.io.Serializable;

/**
 * A worker's state after a step, with what it sent: one element of the Spark state RDD. {@code gradient} is
 * the honest worker's raw minibatch gradient on reference iterations (summed by {@code treeAggregate}, never
 * collected), else null.
 */
public record WorkerSlot(WorkerState state, Uplink uplink, float[] gradient) implements Serializable {}
