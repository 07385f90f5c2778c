package org.signsgd.train;

import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;

/** Drives the worker and driver steps of one run (the spark and inprocess engines of the README); rows go to {@code sink} as they are made. */
public interface Engine {
  /**
   * Runs the driver's job from its first iteration (0, or its resume point) until the last one, a divergence,
   * or a stop request ({@link Interrupts}), checked before each iteration.
   *
   * @return {@link RunStatus#COMPLETED}, {@link RunStatus#DIVERGED} or {@link RunStatus#INTERRUPTED}
   */
  RunStatus run(Driver driver, Consumer<IterationRow> sink);

  /** The engine a job names: {@code spark} (partitions are workers) or {@code inprocess} (one loop here). */
  static Engine of(String name, JavaSparkContext jsc) {
    return switch (name) {
      case "spark" -> new SparkEngine(jsc);
      case "inprocess" -> new InProcessEngine();
      default -> throw new IllegalArgumentException("engine: " + name + "; allowed: spark, inprocess");
    };
  }
}
