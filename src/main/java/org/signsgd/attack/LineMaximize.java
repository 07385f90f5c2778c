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
