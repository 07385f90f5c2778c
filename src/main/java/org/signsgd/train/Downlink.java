package org.signsgd.train;

import java.io.Serializable;
import org.signsgd.aggregate.Direction;

/** What the driver broadcasts for iteration t: direction_{t−1} and η_{t−1} (null direction at t = 0). */
public record Downlink(long iteration, Direction previous, double previousLr) implements Serializable {}
