package org.signsgd.theory;

import org.apache.commons.math3.distribution.BinomialDistribution;

/**
 * The probability that the majority vote gets one coordinate's sign wrong under the strongest attack (Akoun and Meyer,
 * arXiv 2202.02085, proof of Thm 2bis; Mengoli et al., "On the Byzantine Fault Tolerance of signSGD with Majority
 * Vote", 2025, proof of Thm 3.7): H = Q − B honest workers each right with probability p, G ~ Bin(H, p) right honest
 * bits, all B Byzantine bits wrong, so V = 2G − Q. The papers' chain of upper bounds is
 * P_&lt; ≤ P_≤ ≤ Cantelli ≤ AM-GM; {@link #ladder} evaluates all of it.
 */
public final class VoteFailure {
  private VoteFailure() {}

  /**
   * Exact P[G &lt; Q/2] = Σ_{k=0}^{⌈Q/2⌉−1} C(H,k) p^k (1−p)^{H−k}: a tie is not a failure (Mengoli et al. 2025,
   * proof of Thm 3.7).
   */
  public static double exactStrict(int workers, int byzantine, double p) {
    check("exact vote failure", workers, byzantine, p);
    return cumulative(workers - byzantine, p, (workers + 1) / 2 - 1);
  }

  /**
   * Exact P[G ≤ Q/2] = Σ_{k=0}^{⌊Q/2⌋} …: a tie counts as a failure (Akoun and Meyer 2022, proof of Thm 2bis).
   */
  public static double exactWithTies(int workers, int byzantine, double p) {
    check("exact vote failure", workers, byzantine, p);
    return cumulative(workers - byzantine, p, workers / 2);
  }

  /**
   * Cantelli's inequality as the proofs of Akoun and Meyer (Thm 2bis) and Mengoli et al. (Thm 3.7) use it:
   * P_≤ ≤ (1 + (Hp − Q/2)² / (Hp(1−p)))⁻¹. Requires Hp &gt; Q/2 and 0 &lt; p ≤ 1 (0 at p = 1).
   */
  public static double cantelli(int workers, int byzantine, double p) {
    double margin = requireMargin("Cantelli bound", workers, byzantine, p);
    int h = workers - byzantine;
    if (p == 1) {
      return 0;
    }
    return 1 / (1 + margin * margin / (h * p * (1 - p)));
  }

  /**
   * The AM-GM step (1 + x² ≥ 2x) applied to Cantelli: √(Hp(1−p)) / (2(Hp − Q/2)). It can exceed 1.
   */
  public static double amGm(int workers, int byzantine, double p) {
    double margin = requireMargin("AM-GM bound", workers, byzantine, p);
    int h = workers - byzantine;
    return Math.sqrt(h * p * (1 - p)) / (2 * margin);
  }

  /** Akoun and Meyer's next step (p(1−α) ≤ 1): (1/(2√Q)) √(1−p) / (p(1−α) − 1/2). */
  public static double akounIntermediate(int workers, double alpha, double p) {
    requireWorkersAndSnr("Akoun-Meyer bound", workers, 1);
    double gap = requireTolerated("Akoun-Meyer bound", alpha, p);
    return Math.sqrt(1 - p) / (2 * Math.sqrt(workers) * gap);
  }

  /**
   * Akoun and Meyer, arXiv 2202.02085, final bound of Thm 2bis's proof (with Lemma 1bis):
   * 1/(2√2) · 1/((p(1−α) − 1/2) S √Q).
   */
  public static double akounFinal(int workers, double alpha, double p, double snr) {
    requireWorkersAndSnr("Akoun-Meyer final bound", workers, snr);
    double gap = requireTolerated("Akoun-Meyer final bound", alpha, p);
    return 1 / (2 * Math.sqrt(2) * gap * snr * Math.sqrt(workers));
  }

  /**
   * Mengoli et al. 2025, final bound as printed: (1/(4S√Q)) · √(1−α)(p − 1/2) / ((1−α)p − 1/2).
   * Flag: off by a factor 4, see {@link #mengoliCorrected}.
   */
  public static double mengoliPrinted(int workers, double alpha, double p, double snr) {
    return mengoliCorrected(workers, alpha, p, snr) / 4;
  }

  /**
   * Mengoli et al.'s bound with Lemma 3.6 applied correctly to the AM-GM step:
   * (1/(S√Q)) · √(1−α)(p − 1/2) / ((1−α)p − 1/2). Equal to {@link #amGm} when 1 − p equals Lemma 3.6.
   */
  public static double mengoliCorrected(int workers, double alpha, double p, double snr) {
    requireWorkersAndSnr("Mengoli bound", workers, snr);
    double gap = requireTolerated("Mengoli bound", alpha, p);
    return Math.sqrt(1 - alpha) * (p - 0.5) / (snr * Math.sqrt(workers) * gap);
  }

  /**
   * The largest tolerated Byzantine fraction: α &lt; 1 − 1/(2p) ⇔ E[G] &gt; Q/2 (Akoun and Meyer Remark 1,
   * Mengoli et al. §3). Negative when p ≤ 1/2: then no fraction is tolerated.
   */
  public static double toleratedFraction(double p) {
    if (!(p > 0 && p <= 1)) {
      throw new IllegalArgumentException("tolerance: p=" + p + "; allowed: 0 < p <= 1");
    }
    return 1 - 1 / (2 * p);
  }

  /** B &lt; (2p − 1)H, the integer form of α &lt; 1 − 1/(2p). */
  public static boolean tolerates(int workers, int byzantine, double p) {
    check("tolerance", workers, byzantine, p);
    return byzantine < (2 * p - 1) * (workers - byzantine);
  }

  /** The four values of the ladder P_&lt; ≤ P_≤ ≤ Cantelli ≤ AM-GM at one (Q, B, p) inside the tolerance. */
  public record Ladder(double exactStrict, double exactWithTies, double cantelli, double amGm) {}

  public static Ladder ladder(int workers, int byzantine, double p) {
    return new Ladder(exactStrict(workers, byzantine, p), exactWithTies(workers, byzantine, p),
        cantelli(workers, byzantine, p), amGm(workers, byzantine, p));
  }

  private static double cumulative(int trials, double p, int k) {
    if (k < 0) {
      return 0;
    }
    if (trials == 0) {
      return 1;
    }
    return new BinomialDistribution(null, trials, p).cumulativeProbability(k);
  }

  private static void check(String what, int workers, int byzantine, double p) {
    if (workers < 1) {
      throw new IllegalArgumentException(what + ": Q=" + workers + "; allowed: Q >= 1");
    }
    if (byzantine < 0 || byzantine > workers) {
      throw new IllegalArgumentException(what + ": B=" + byzantine + " of Q=" + workers + "; allowed: 0 <= B <= "
          + workers);
    }
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(what + ": p=" + p + "; allowed: 0 <= p <= 1");
    }
  }

  private static double requireMargin(String what, int workers, int byzantine, double p) {
    check(what, workers, byzantine, p);
    double margin = (workers - byzantine) * p - workers / 2.0;
    if (!(p > 0) || !(margin > 0)) {
      throw new IllegalArgumentException(what + ": needs Hp > Q/2 and p > 0; got H=" + (workers - byzantine)
          + ", p=" + p + ", Hp=" + (workers - byzantine) * p + ", Q/2=" + workers / 2.0);
    }
    return margin;
  }

  private static void requireWorkersAndSnr(String what, int workers, double snr) {
    if (workers < 1 || !(snr > 0) || Double.isInfinite(snr)) {
      throw new IllegalArgumentException(what + ": Q=" + workers + ", S=" + snr
          + "; allowed: Q >= 1 and a finite S > 0");
    }
  }

  static double requireTolerated(String what, double alpha, double p) {
    if (!(alpha >= 0 && alpha < 1) || !(p > 0 && p <= 1)) {
      throw new IllegalArgumentException(what + ": alpha=" + alpha + ", p=" + p
          + "; allowed: 0 <= alpha < 1, 0 < p <= 1");
    }
    double gap = p * (1 - alpha) - 0.5;
    if (!(gap > 0)) {
      throw new IllegalArgumentException(what + ": needs alpha < 1 - 1/(2p) = " + toleratedFraction(p)
          + "; got alpha=" + alpha);
    }
    return gap;
  }
}
