package org.signsgd.train;

import java.io.Serializable;

/** A worker's state after a step, with what it sent: one element of the Spark state RDD. */
public record WorkerSlot(WorkerState state, Uplink uplink) implements Serializable {}
