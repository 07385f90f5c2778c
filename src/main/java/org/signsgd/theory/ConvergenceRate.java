package org.signsgd.theory;

/**
 * Right-hand sides of [ (1/K) Σ_{k&lt;K} E‖g_k‖₁ ]² ≤ RHS (Bernstein et al., "signSGD with Majority Vote is
 * Communication Efficient and Fault Tolerant", ICLR 2019, Thm 2; Akoun and Meyer, arXiv 2202.02085, Thm 2bis; Mengoli
 * et al., "On the Byzantine Fault Tolerance of signSGD with Majority Vote", 2025, Thm 3.7), with
 * η = √((f₀ − f*)/(‖L‖₁K)), n = K, N = K² and β = λ = 0. Each variant is the source's formula, flagged where the
 * sources disagree:
 * <pre>
 *   RHS = (4/√N) [ c · ‖σ‖₁ + √(‖L‖₁ (f₀ − f*)) ]²
 * </pre>
 * with the variance coefficient c of each variant.
 */
public final class ConvergenceRate {

  /** Which theorem's coefficient. */
  public enum Variant {
    /** Bernstein et al. 2019 Thm 2 (blind, α &lt; 1/2): c = 1/((1 − 2α)√M). */
    BERNSTEIN_BLIND,
    /** Akoun and Meyer Thm 2bis (Byzantine, α &lt; 1 − 1/(2p)): c = 1/(2√2) · 1/(p(1−α) − 1/2) · 1/√M. */
    AKOUN_THM2BIS,
    /** Mengoli et al. Thm 3.7 as stated: c = 1/(4√Q) · √((1−α)p) / ((1−α)p − 1/2). */
    MENGOLI_STATEMENT,
    /** Mengoli et al. Thm 3.7, end of proof: c = 1/(4√Q) · √(1−α)(p − 1/2) / ((1−α)p − 1/2). */
    MENGOLI_PROOF,
    /**
     * Mengoli et al., "Analysis of the Fraction" remark: the fraction √((1−α)(p − 1/2)) / ((1−α)p − 1/2), kept
     * with the statement's 1/(4√Q) (the remark gives the fraction only).
     */
    MENGOLI_REMARK
  }

  private ConvergenceRate() {}

  /**
   * @param iterationsSquared N = K²
   * @param workers M (or Q)
   * @param alpha Byzantine fraction
   * @param p honest workers' probability of a right sign (unused by {@link Variant#BERNSTEIN_BLIND})
   * @param sigma1 ‖σ‖₁
   * @param smoothness1 ‖L‖₁
   * @param gap f₀ − f*
   */
  public static double rhs(Variant variant, double iterationsSquared, int workers, double alpha, double p,
      double sigma1, double smoothness1, double gap) {
    if (!(iterationsSquared > 0) || workers < 1 || !(sigma1 >= 0) || !(smoothness1 >= 0) || !(gap >= 0)) {
      throw new IllegalArgumentException("convergence rate: N=" + iterationsSquared + ", Q=" + workers
          + ", sigma1=" + sigma1 + ", L1=" + smoothness1 + ", gap=" + gap
          + "; allowed: N > 0, Q >= 1, sigma1, L1, gap >= 0");
    }
    double c = coefficient(variant, workers, alpha, p);
    double bracket = c * sigma1 + Math.sqrt(smoothness1 * gap);
    return 4 / Math.sqrt(iterationsSquared) * bracket * bracket;
  }

  static double coefficient(Variant variant, int workers, double alpha, double p) {
    double root = Math.sqrt(workers);
    if (variant == Variant.BERNSTEIN_BLIND) {
      if (!(alpha >= 0 && alpha < 0.5)) {
        throw new IllegalArgumentException("convergence rate " + variant + ": alpha=" + alpha
            + "; allowed: 0 <= alpha < 1/2");
      }
      return 1 / ((1 - 2 * alpha) * root);
    }
    double gap = VoteFailure.requireTolerated("convergence rate " + variant, alpha, p);
    double honest = 1 - alpha;
    return switch (variant) {
      case AKOUN_THM2BIS -> 1 / (2 * Math.sqrt(2) * gap * root);
      case MENGOLI_STATEMENT -> Math.sqrt(honest * p) / (4 * root * gap);
      case MENGOLI_PROOF -> Math.sqrt(honest) * (p - 0.5) / (4 * root * gap);
      case MENGOLI_REMARK -> Math.sqrt(honest * (p - 0.5)) / (4 * root * gap);
      default -> throw new IllegalStateException("unreachable: " + variant);
    };
  }
}
