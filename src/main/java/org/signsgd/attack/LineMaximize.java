package org.signsgd.attack;

import java.util.function.DoubleUnaryOperator;

/**
 * A best-effort arg-max of a function of a factor x ≥ 0 by exploration, as the line search of El Mhamdi, Guerraoui,
 * Rouault, "Distributed Momentum for Byzantine-resilient Stochastic Gradient Descent", ICLR 2021 (LPD-EPFL's
 * ByzantineMomentum, {@code tools.line_maximize}) and ByzFL's Optimal_ALIE / Optimal_IPM run it (docs/attacks.md):
 * <ol>
 *   <li>evaluate x = 0;</li>
 *   <li>expansion: try best + δ; while it improves, keep it and double δ; at the first one that does not, δ ← ρδ;</li>
 *   <li>contraction, until the budget is spent: step from the last proposal towards the best (back by δ, halving the
 *       step while it would go below 0, or forward by δ when the last proposal lies below the best), keep a strict
 *       improvement, δ ← ρδ.</li>
 * </ol>
 * Every evaluation of the budget is used; ties keep the earlier (smaller) factor. ρ = 0.8 as both peers.
 */
final class LineMaximize {
  static final double RATIO = 0.8;

  private LineMaximize() {}

  /**
   * The factor the search tries at call {@code values.length + 1}, given what its earlier calls returned: the search
   * replayed over {@code values}, stopped at the first call past them.
   */
  static double next(double[] values, int evaluations, double step) {
    if (values.length >= evaluations) {
      throw new IllegalArgumentException("the search has tried all " + evaluations + " factors");
    }
    try {
      argMax(replay(values), evaluations, step);
    } catch (Past past) {
      return past.x;
    }
    throw new IllegalStateException("the search ended after " + values.length + " of " + evaluations + " tries");
  }

  /** The best factor of a search whose {@code evaluations} calls returned {@code values}, in order. */
  static double best(double[] values, int evaluations, double step) {
    if (values.length != evaluations) {
      throw new IllegalArgumentException(values.length + " values for a search of " + evaluations + " tries");
    }
    return argMax(replay(values), evaluations, step);
  }

  private static DoubleUnaryOperator replay(double[] values) {
    int[] call = {0};
    return x -> {
      if (call[0] == values.length) {
        throw new Past(x);
      }
      return values[call[0]++];
    };
  }

  /** Thrown by a replay at the first call past its values, with the factor asked for. */
  private static final class Past extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final double x;

    Past(double x) {
      super(null, null, false, false);
      this.x = x;
    }
  }

  /** The best factor found by {@code evaluations} calls of {@code objective}, from 0 with first step {@code step}. */
  static double argMax(DoubleUnaryOperator objective, int evaluations, double step) {
    double bestX = 0;
    double bestY = objective.applyAsDouble(bestX);
    int left = evaluations - 1;
    double delta = step;
    double propX = bestX;
    while (left > 0) {
      propX = bestX + delta;
      double propY = objective.applyAsDouble(propX);
      left--;
      if (propY > bestY) {
        bestX = propX;
        bestY = propY;
        delta *= 2;
      } else {
        delta *= RATIO;
        break;
      }
    }
    while (left > 0) {
      if (propX < bestX) {
        propX += delta;
      } else {
        double x = propX - delta;
        while (x < 0) {
          x = (x + propX) / 2;
        }
        propX = x;
      }
      double propY = objective.applyAsDouble(propX);
      left--;
      if (propY > bestY) {
        bestX = propX;
        bestY = propY;
      }
      delta *= RATIO;
    }
    return bestX;
  }
}
