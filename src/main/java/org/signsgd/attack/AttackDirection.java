package org.signsgd.attack;

import java.util.Locale;

/**
 * Which way an attack pushes from the honest mean: {@code minus} subtracts its deviation (b = μ − z·σ for alie,
 * b = −ε·μ for fall-of-empires), {@code plus} adds it (b = μ + τ·σ as ByzFL's ALittleIsEnough and Blades' ALIE,
 * b = +ε·μ). See docs/attacks.md.
 */
public enum AttackDirection {
  MINUS(-1),
  PLUS(1);

  private final int sign;

  AttackDirection(int sign) {
    this.sign = sign;
  }

  /** −1 for minus, +1 for plus. */
  public int sign() {
    return sign;
  }

  static AttackDirection parse(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
