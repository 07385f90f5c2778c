package org.signsgd.aggregate;

import java.util.List;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;
import org.signsgd.message.SignMessage;
import org.signsgd.vote.SignVector;

/**
 * signSGD with Federated Defense: a weighted majority vote whose weights are log-likelihood ratios of each
 * worker's estimated reliability, so an inverted worker counts with a negative weight. Park and Lee,
 * "SignSGD with Federated Defense", ICML 2024 (arXiv 2402.01340), as the authors' code computes it
 * ({@code chanho26/SignSGD_Codec: Algorithms/train_signSGD_FD.py}):
 * <pre>
 *   LLR(q) = sign(ℓ) · min(|ℓ|, c),  ℓ = ln((q + ε) / (1 − q + ε))
 *   round r = 0:        w_{m,n} = 1
 *   1 ≤ r &lt; T_in:       w_{m,n} = LLR(q̂_m),     q̂_m = Σ_n A_{m,n} / Σ_n C_{m,n}   (code: / (d·r); see below)
 *   r ≥ T_in:           w_{m,n} = LLR(q̂_{m,n}), q̂_{m,n} = A_{m,n} / (C_{m,n} + ε)
 *   decode:             ŝ_n = sign(Σ_m w_{m,n} s_{m,n})                          (tie → 0)
 *   count:              A ← γA + 1[ŝ_n = s_{m,n}],  C ← γC + 1   (0 = 0 agrees; {@code zeros: disagree}: not)
 * </pre>
 * C is the same for every (m, n) (every worker is counted every round; a malformed message is an abstention),
 * so it is kept as one number. The variant {@code sign-fv} ({@code mvInit}) uses the plain vote for r &lt; T_in
 * (the paper's ablation, {@code train_signSGD_FV.py}). Stateful: the counts live in this object and travel in
 * resume points ({@link #state()}).
 *
 * <p>Phase-1 estimate: the authors' code divides Σ_n A_{m,n} by d·r, the number of comparisons when nothing is
 * forgotten; with a forgetting factor γ &lt; 1 the counts shrink but d·r does not, so that estimate is biased
 * low. By default this class divides by Σ_n C_{m,n}, which equals d·r at γ = 1 and stays unbiased for γ &lt; 1;
 * {@code phase1: code} restores the code's d·r.
 *
 * <p>Memory: A is Q × d numbers on the driver. With γ = 1 every A_{m,n} is an integer ≤ r, kept
 * exactly as a 16-bit unsigned count (2 bytes; ResNet-50's d = 25.6M at Q = 27: 1.38 GB), and the phase-2 weights
 * come from a table of LLR(a/(C + ε)) for a = 0..r, one logarithm per count value instead of one per (m, n).
 * Past 65,535 rounds, or with γ &lt; 1, A is kept in float (4 bytes; 2.76 GB for that ResNet-50).
 */
public final class FederatedDefense implements Aggregator {
  public static final String NAME = "sign-fd";
  public static final String NAME_MV_INIT = "sign-fv";
  static final double EPSILON = 1e-5;
  private static final int EXACT_LIMIT = Character.MAX_VALUE;

  private final boolean mvInit;
  private final int initialRounds;
  private final double maxLlr;
  private final double gamma;
  private final boolean codePhase1;
  private final boolean zerosAgree;
  /** A with γ = 1, exact (null otherwise). */
  private char[][] exact;
  /** A with γ &lt; 1, or past {@link #EXACT_LIMIT} rounds (null otherwise). */
  private float[][] decayed;
  /** Σ_n A_{m,n} per worker, kept with the counts. */
  private double[] sums;
  private double total;
  private long round;
  /** The mean weight each worker's signs carried in the last round (workers/ metrics). */
  private double[] lastWeights;

  /** The rule with the default phase-1 estimate Σ A / Σ C, a decoded 0 agreeing with a worker's 0. */
  public FederatedDefense(boolean mvInit, int initialRounds, double maxLlr, double gamma) {
    this(mvInit, initialRounds, maxLlr, gamma, false);
  }

  /**
   * @param mvInit plain majority vote during the initial phase ({@code sign-fv})
   * @param initialRounds T_in (code default 100)
   * @param maxLlr the clip c (code {@code max_LLR} = 10)
   * @param gamma the forgetting factor (code {@code weight_exp} = 1)
   * @param codePhase1 the code's phase-1 estimate Σ A / (d·r), biased low when γ &lt; 1 (see the class comment)
   */
  public FederatedDefense(boolean mvInit, int initialRounds, double maxLlr, double gamma, boolean codePhase1) {
    this(mvInit, initialRounds, maxLlr, gamma, codePhase1, true);
  }

  /**
   * @param zerosAgree a decoded 0 agrees with a worker's 0 (the authors' later code compares
   *     {@code grad == sign(g)} elementwise, so 0 == 0 counts); false: a decoded 0 agrees with nobody
   *     ({@code zeros: disagree}, an earlier reading of the code's count). It matters for networks whose
   *     gradients are exactly 0 at many coordinates (dead ReLU units): there the stricter rule pulls every
   *     worker's q̂ below 1/2, every weight turns negative and the decoded direction flips (seen on mengoli-cnn
   *     at L = 3 of 15).
   */
  public FederatedDefense(boolean mvInit, int initialRounds, double maxLlr, double gamma, boolean codePhase1,
      boolean zerosAgree) {
    if (initialRounds < 1 || !(maxLlr > 0) || !(gamma > 0 && gamma <= 1)) {
      throw new IllegalArgumentException(name(mvInit) + ": t_in=" + initialRounds + ", max_llr=" + maxLlr
          + ", gamma=" + gamma + "; allowed: t_in >= 1, max_llr > 0, 0 < gamma <= 1");
    }
    this.mvInit = mvInit;
    this.initialRounds = initialRounds;
    this.maxLlr = maxLlr;
    this.gamma = gamma;
    this.codePhase1 = codePhase1;
    this.zerosAgree = zerosAgree;
  }

  private static String name(boolean mvInit) {
    return mvInit ? NAME_MV_INIT : NAME;
  }

  @Override
  public boolean stateful() {
    return true;
  }

  @Override
  public String name() {
    return name(mvInit);
  }

  @Override
  public MessageKind kind() {
    return MessageKind.SIGN;
  }

  /** The rounds decoded so far (r of the next round). */
  public long round() {
    return round;
  }

  /** The counts, for a resume point: A (as stored), C, r. */
  record State(char[][] exact, float[][] decayed, double[] sums, double total, long round)
      implements java.io.Serializable {}

  @Override
  public java.io.Serializable state() {
    return agreementsKnown() ? new State(exact, decayed, sums, total, round) : null;
  }

  @Override
  public void restoreState(java.io.Serializable state) {
    if (state == null) {
      return;
    }
    State s = (State) state;
    exact = s.exact();
    decayed = s.decayed();
    sums = s.sums();
    total = s.total();
    round = s.round();
  }

  private boolean agreementsKnown() {
    return exact != null || decayed != null;
  }

  /** Restores the counts (tests): A[m][n] per worker and coordinate, C and r. */
  void restore(float[][] agreementCounts, double totalCount, long rounds) {
    allocate(agreementCounts.length, agreementCounts[0].length);
    for (int m = 0; m < agreementCounts.length; m++) {
      for (int n = 0; n < agreementCounts[m].length; n++) {
        set(m, n, agreementCounts[m][n]);
        sums[m] += agreementCounts[m][n];
      }
    }
    this.total = totalCount;
    this.round = rounds;
  }

  private void allocate(int workers, int d) {
    sums = new double[workers];
    if (gamma == 1) {
      exact = new char[workers][d];
    } else {
      decayed = new float[workers][d];
    }
  }

  private double get(int m, int n) {
    return exact != null ? exact[m][n] : decayed[m][n];
  }

  private void set(int m, int n, float a) {
    if (exact != null) {
      exact[m][n] = (char) a;
    } else {
      decayed[m][n] = a;
    }
  }

  private int dimension() {
    return exact != null ? exact[0].length : decayed[0].length;
  }

  private int workers() {
    return sums.length;
  }

  /** Σ_n A_{m,n} for worker m. */
  public double agreementSum(int worker) {
    return sums[worker];
  }

  /** The mean weight each worker's signs carried in the last round decoded (null before the first). */
  @Override
  public double[] lastWeights() {
    return lastWeights == null ? null : lastWeights.clone();
  }

  @Override
  public Direction aggregate(List<Message> messages, AggregationContext ctx) {
    int d = Requirements.sameShape(name(), messages, MessageKind.SIGN);
    Requirements.basic(name(), ctx.workers(), ctx.declaredByzantine());
    if (!agreementsKnown()) {
      allocate(ctx.workers(), d);
    }
    boolean[] seen = new boolean[workers()];
    for (Message m : messages) {
      requireWorker(m.worker(), d);
      if (seen[m.worker()]) {
        throw new IllegalArgumentException(name() + ": worker " + m.worker() + " sent two messages in round "
            + round + "; allowed: one message per worker");
      }
      seen[m.worker()] = true;
    }
    double[] table = phaseTwo() && exact != null ? llrTable() : null;
    double[] u = new double[d];
    double[] weights = new double[workers()];
    for (Message m : messages) {
      weights[m.worker()] = addWeighted(u, ((SignMessage) m).signs(), m.worker(), d, table);
    }
    int[] decoded = new int[d];
    for (int n = 0; n < d; n++) {
      decoded[n] = u[n] > 0 ? 1 : u[n] < 0 ? -1 : 0;
    }
    count(messages, decoded);
    lastWeights = weights;
    return new Direction.Signs(SignVector.ofSigns(decoded));
  }

  private boolean phaseTwo() {
    return round >= initialRounds;
  }

  /** LLR(a/(C + ε)) for every integer count a = 0..r (γ = 1: the counts are exact integers). */
  private double[] llrTable() {
    int max = (int) Math.min(round, EXACT_LIMIT);
    double[] t = new double[max + 1];
    for (int a = 0; a <= max; a++) {
      t[a] = llr(a / (total + EPSILON), maxLlr);
    }
    return t;
  }

  private void requireWorker(int worker, int d) {
    if (worker < 0 || worker >= workers() || dimension() != d) {
      throw new IllegalArgumentException(name() + ": worker " + worker + " with d=" + d + "; allowed: workers 0.."
          + (workers() - 1) + " with d=" + dimension());
    }
  }

  /**
   * u_n += w_{m,n} s_{m,n} for worker m; returns the mean of w_{m,n} over the coordinates. Walks the sign's
   * bit planes a 64-bit word at a time: s = (1 − 2·negative bit)·(1 − zero bit).
   */
  private double addWeighted(double[] u, SignVector s, int worker, int d, double[] table) {
    boolean perWorker = !phaseTwo();
    double constant = perWorker ? weight(worker, 0) : 0;
    char[] a = exact != null ? exact[worker] : null;
    double sum = 0;
    for (int w = 0, base = 0; base < d; w++, base += 64) {
      long neg = s.negativeWord(w);
      long zero = s.zeroWord(w);
      int end = Math.min(64, d - base);
      for (int b = 0; b < end; b++) {
        int n = base + b;
        double weight = perWorker ? constant : table != null ? table[a[n]] : weight(worker, n);
        sum += weight;
        double sign = signAt(neg, zero, b);
        u[n] += weight * sign;
      }
    }
    return perWorker ? constant : sum / d;
  }

  /** Bit b of a sign word pair: (1 − 2·negative bit)·(1 − zero bit), branch-free. */
  private static int signAt(long neg, long zero, int b) {
    return (int) ((1 - 2 * ((neg >>> b) & 1)) * (1 - ((zero >>> b) & 1)));
  }

  /** w_{m,n} for the coming round r (step "weights" of the class comment). */
  double weight(int worker, int n) {
    if (round == 0 || (mvInit && round < initialRounds)) {
      return 1;
    }
    if (round < initialRounds) {
      // default Σ A / Σ C (= Σ A / (d·C), C the same for every coordinate); the code's Σ A / (d·r)
      double denominator = dimension() * (codePhase1 ? round : total);
      return llr(agreementSum(worker) / denominator, maxLlr);
    }
    return llr(get(worker, n) / (total + EPSILON), maxLlr);
  }

  private void count(List<Message> messages, int[] decoded) {
    if (exact != null && round >= EXACT_LIMIT) {
      toFloat(); // a 16-bit count could overflow in this round
    }
    if (gamma != 1) {
      for (int m = 0; m < decayed.length; m++) {
        float[] row = decayed[m];
        for (int n = 0; n < row.length; n++) {
          row[n] = (float) (gamma * row[n]);
        }
        sums[m] *= gamma;
      }
    }
    for (Message m : messages) {
      SignVector s = ((SignMessage) m).signs();
      int worker = m.worker();
      char[] ea = exact != null ? exact[worker] : null;
      float[] da = exact != null ? null : decayed[worker];
      long added = 0;
      int d = decoded.length;
      for (int w = 0, base = 0; base < d; w++, base += 64) {
        long neg = s.negativeWord(w);
        long zero = s.zeroWord(w);
        int end = Math.min(64, d - base);
        for (int b = 0; b < end; b++) {
          int n = base + b;
          // agreement: a nonzero decoded sign equal to the worker's (a decoded 0 agrees with nobody)
          int sign = signAt(neg, zero, b);
          if (decoded[n] == sign && (decoded[n] != 0 || zerosAgree)) {
            if (ea != null) {
              ea[n]++;
            } else {
              da[n] += 1;
            }
            added++;
          }
        }
      }
      sums[worker] += added;
    }
    total = gamma * total + 1;
    round++;
  }

  private void toFloat() {
    decayed = new float[exact.length][];
    for (int m = 0; m < exact.length; m++) {
      decayed[m] = new float[exact[m].length];
      for (int n = 0; n < exact[m].length; n++) {
        decayed[m][n] = exact[m][n];
      }
    }
    exact = null;
  }

  /** LLR(q) = sign(ℓ) · min(|ℓ|, c), ℓ = ln((q + ε)/(1 − q + ε)); q is the estimated agreement probability. */
  static double llr(double q, double clip) {
    double l = Math.log((q + EPSILON) / (1 - q + EPSILON));
    return Math.signum(l) * Math.min(Math.abs(l), clip);
  }
}
