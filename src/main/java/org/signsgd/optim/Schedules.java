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
          p.positiveValue("decay_steps", 5000), p.intValue("every", 1, 1, Integer.MAX_VALUE)));

  private Schedules() {}

  /** A learning rate is a finite number > 0 (the jobs and the papers use 1e-5 to 1). */
  private static double initial(Params p) {
    return p.positiveValue("initial", 1.0);
  }

  public static LearningRate create(RuleSpec spec) {
    return REGISTRY.create(spec);
  }

  /** The schedule a spec names, with every parameter it used (defaults included): {@code {initial: 1.0}}. */
  public static Registry.Built<LearningRate> build(RuleSpec spec) {
    return REGISTRY.build(spec);
  }
}
