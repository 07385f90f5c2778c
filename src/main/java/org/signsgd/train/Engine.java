package org.signsgd.train;

import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.signsgd.job.EngineKind;

/** Drives the worker and driver steps of one run (the spark and inprocess engines of the README); rows go to {@code sink} as they are made. */
public interface Engine {
  /**
   * Runs the driver's job from its first iteration (0, or its resume point) until the last one, a divergence,
   * or a stop request ({@link Interrupts}), checked before each iteration.
   *
   * @return {@link RunStatus#COMPLETED}, {@link RunStatus#DIVERGED} or {@link RunStatus#INTERRUPTED}
   */
  RunStatus run(Driver driver, Consumer<IterationRow> sink);

  /** The engine a job names. */
  static Engine of(EngineKind kind, JavaSparkContext jsc) {
    return switch (kind) {
      case SPARK -> new SparkEngine(jsc);
      case INPROCESS -> new InProcessEngine();
    };
  }
}
