package org.signsgd.optim;

import org.signsgd.spec.Params;
import org.signsgd.spec.Registry;
import org.signsgd.spec.RuleSpec;

/** Learning-rate schedules by name: {@code {schedule: step, initial: 1e-4, factor: 0.1, every: 30}}. */
public final class Schedules {
  private static final Registry<LearningRate> REGISTRY = new Registry<LearningRate>("lr schedule")
      .register("constant", p -> LearningRate.constant(initial(p)))
      .register("inverse-sqrt", p -> LearningRate.inverseSqrt(initial(p)))
      .register("step", p -> LearningRate.step(initial(p), p.doubleValue("factor", 0.1, 0, 1),
          p.intValue("every", 30, 1, Integer.MAX_VALUE)))
      .register("inverse-linear", p -> LearningRate.inverseLinear(initial(p),
          p.doubleValue("decay_steps", 5000, 1e-300, Double.MAX_VALUE), p.intValue("every", 1, 1, Integer.MAX_VALUE)));

  private Schedules() {}

  private static double initial(Params p) {
    return p.doubleValue("initial", 1.0, -Double.MAX_VALUE, Double.MAX_VALUE);
  }

  public static LearningRate create(RuleSpec spec) {
    return REGISTRY.create(spec);
  }
}
