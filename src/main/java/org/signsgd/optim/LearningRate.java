package org.signsgd.optim;

import java.io.Serializable;

/** A learning-rate schedule η_t, t = 0, 1, … */
@FunctionalInterface
public interface LearningRate extends Serializable {
  double at(long iteration);

  /** η_t = η₀. */
  static LearningRate constant(double initial) {
    requirePositive("constant", initial);
    return t -> initial;
  }

  /** η_t = η₀ · factor^⌊t / every⌋ (Akoun and Meyer 2022 code: StepLR, ×0.1 every 30). */
  static LearningRate step(double initial, double factor, int every) {
    requirePositive("step", initial);
    if (!(factor > 0 && factor <= 1)) {
      throw new IllegalArgumentException("lr schedule step: factor is " + factor + "; allowed: 0 < factor <= 1");
    }
    if (every < 1) {
      throw new IllegalArgumentException("lr schedule step: every is " + every + "; allowed: every >= 1");
    }
    return t -> initial * Math.pow(factor, Math.floorDiv(t, every));
  }

  /** η_t = η₀ / √(t + 1) (Mengoli et al. 2025, App. B Table 2: 1/√(t+1)). */
  static LearningRate inverseSqrt(double initial) {
    requirePositive("inverse-sqrt", initial);
    return t -> initial / Math.sqrt(t + 1.0);
  }

  /**
   * η_t = η₀ / (s/T + 1) with s = t rounded down to a multiple of {@code every} (El Mhamdi et al. 2021, LPD
   * {@code reproduce.py}: γ₀/(t/5000 + 1), recomputed only when t mod 300 = 0).
   */
  static LearningRate inverseLinear(double initial, double decaySteps, int every) {
    requirePositive("inverse-linear", initial);
    if (!(decaySteps > 0 && Double.isFinite(decaySteps))) {
      throw new IllegalArgumentException("lr schedule inverse-linear: decay_steps is " + decaySteps
          + "; allowed: a finite number > 0");
    }
    if (every < 1) {
      throw new IllegalArgumentException("lr schedule inverse-linear: every is " + every + "; allowed: every >= 1");
    }
    return t -> initial / ((double) (t - Math.floorMod(t, every)) / decaySteps + 1);
  }

  private static void requirePositive(String schedule, double initial) {
    if (!(initial > 0 && Double.isFinite(initial))) {
      throw new IllegalArgumentException("lr schedule " + schedule + ": initial is " + initial
          + "; allowed: a finite number > 0");
    }
  }
}
