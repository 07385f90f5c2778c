package org.signsgd.train;

import java.util.function.Consumer;

/** Drives the worker and driver steps of one run (DESIGN §5); rows go to {@code sink} as they are made. */
public interface Engine {
  /** @return "completed" or "diverged" */
  String run(Driver driver, Consumer<IterationRow> sink);
}
