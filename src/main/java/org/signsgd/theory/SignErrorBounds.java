package org.signsgd.theory;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Bounds on one worker's sign-error probability P[sign g̃_i ≠ sign g_i] as functions of the per-coordinate
 * signal-to-noise ratio S = |g_i| / σ_i (Bernstein et al. 2018, Lemma 1; Akoun and Meyer 2022, Lemma 1bis;
 * Mengoli et al. 2025, Lemma 3.6). For a batch mean of n samples, S = |g|√n/σ.
 */
public final class SignErrorBounds {
  private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);
  private static final double KNEE = 2 / Math.sqrt(3);

  private SignErrorBounds() {}

  /**
   * Bernstein et al., "signSGD: Compressed Optimisation for Non-Convex Problems", ICML 2018, Lemma 1
   * (unimodal symmetric noise): 2/(9S²) if S &gt; 2/√3, else 1/2 − S/(2√3). Continuous at the knee (1/6).
   */
  public static double bernsteinLemma1(double snr) {
    requireSnr(snr);
    return snr > KNEE ? 2 / (9 * snr * snr) : 0.5 - snr / (2 * Math.sqrt(3));
  }

  /**
   * Akoun and Meyer, arXiv 2202.02085, Lemma 1bis: 1/(2S²). Flag: Chebyshev alone gives 1/S²; the ½ needs the
   * symmetric noise the paper says it drops. Vacuous (&gt; ½) for S &lt; 1.
   */
  public static double akounLemma1bis(double snr) {
    requireSnr(snr);
    return 1 / (2 * snr * snr);
  }

  /** Mengoli et al. 2025, Lemma 3.6: 1/2 − S/(2√(4 + S²)). */
  public static double mengoliLemma36(double snr) {
    requireSnr(snr);
    return 0.5 - snr / (2 * Math.sqrt(4 + snr * snr));
  }

  /** The exact value for Gaussian noise, Φ(−S): every bound above must be at least this. */
  public static double gaussianExact(double snr) {
    requireSnr(snr);
    return STANDARD_NORMAL.cumulativeProbability(-snr);
  }

  private static void requireSnr(double snr) {
    if (!(snr >= 0) || Double.isInfinite(snr)) {
      throw new IllegalArgumentException("sign-error bound: S=" + snr + "; allowed: a finite S >= 0");
    }
  }
}
