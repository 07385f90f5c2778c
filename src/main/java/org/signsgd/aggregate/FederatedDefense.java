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
 * (the paper's ablation, {@code train_signSGD_FV.py}). Stateful: the counts A are per coordinate, so they are kept
 * chunk by chunk where the server's chunks run ({@link ChunkStatefulRule}: on the driver, or in the shards'
 * state), while Σ_n A_{m,n}, C and r, Q + 2 numbers, stay in this object; both travel in resume points.
 *
 * <p>Phase-1 estimate: the authors' code divides Σ_n A_{m,n} by d·r, the number of comparisons when nothing is
 * forgotten; with a forgetting factor γ &lt; 1 the counts shrink but d·r does not, so that estimate is biased
 * low. By default this class divides by Σ_n C_{m,n}, which equals d·r at γ = 1 and stays unbiased for γ &lt; 1;
 * {@code phase1: code} restores the code's d·r.
 *
 * <p>Memory: A is Q × d numbers, on the driver unless the server's work is sharded. With γ = 1 every A_{m,n} is an integer ≤ r, kept
 * exactly as a 16-bit unsigned count (2 bytes; ResNet-50's d = 25.6M at Q = 27: 1.38 GB), and the phase-2 weights
 * come from a table of LLR(a/(C + ε)) for a = 0..r, one logarithm per count value instead of one per (m, n).
 * Past 65,535 rounds, or with γ &lt; 1, A is kept in float (4 bytes; 2.76 GB for that ResNet-50).
 * <p>The math and a worked example: docs/aggregators.md#sign-fd (and #sign-fv).
 */
public final class FederatedDefense implements Aggregator, ChunkStatefulRule {
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
  /** A over all of d when the rule runs on whole messages (null before the first round, and when chunked). */
  private Counts whole;
  /** Σ_n A_{m,n} per worker over all of d (null before the first round). */
  private double[] sums;
  private double total;
  private long round;
  /** d of the whole vectors (0 before the first round). */
  private int dimension;
  /** The mean weight each worker's signs carried in the last round (workers/ metrics). */
  private double[] lastWeights;

  /**
   * A over some coordinates: 16-bit exact counts with γ = 1 (until {@link #EXACT_LIMIT} rounds), else floats.
   */
  public static final class Counts implements java.io.Serializable {
    private char[][] exact;
    private float[][] decayed;

    Counts(int workers, int length, boolean exactCounts) {
      if (exactCounts) {
        exact = new char[workers][length];
      } else {
        decayed = new float[workers][length];
      }
    }

    double get(int m, int n) {
      return exact != null ? exact[m][n] : decayed[m][n];
    }

    void set(int m, int n, float a) {
      if (exact != null) {
        exact[m][n] = (char) a;
      } else {
        decayed[m][n] = a;
      }
    }

    int length() {
      return exact != null ? exact[0].length : decayed[0].length;
    }

    int workers() {
      return exact != null ? exact.length : decayed.length;
    }

    /** Whether the counts are kept as 16-bit integers (else floats). */
    boolean exact() {
      return exact != null;
    }
  }

  /** The numbers every chunk needs in a round: r, C, Σ_n A_{m,n} and d (all from before the round). */
  record Shared(long round, double total, double[] sums, int dimension) implements java.io.Serializable {}

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

  /** The counts are per coordinate: the server may keep them chunk by chunk, sharded too. */
  @Override
  public boolean shardable() {
    return true;
  }

  @Override
  public ChunkStatefulRule chunkStateful() {
    return this;
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

  /** The counts, for a resume point: A over all of d (null when chunked: the chunks keep it), Σ A, C, r, d. */
  record State(Counts whole, double[] sums, double total, long round, int dimension)
      implements java.io.Serializable {}

  @Override
  public java.io.Serializable state() {
    return sums == null ? null : new State(whole, sums.clone(), total, round, dimension);
  }

  @Override
  public void restoreState(java.io.Serializable state) {
    if (state == null) {
      return;
    }
    State s = (State) state;
    whole = s.whole();
    sums = s.sums().clone();
    total = s.total();
    round = s.round();
    dimension = s.dimension();
  }

  /** Restores the counts (tests): A[m][n] per worker and coordinate, C and r. */
  void restore(float[][] agreementCounts, double totalCount, long rounds) {
    int q = agreementCounts.length;
    dimension = agreementCounts[0].length;
    whole = new Counts(q, dimension, gamma == 1);
    sums = new double[q];
    for (int m = 0; m < q; m++) {
      for (int n = 0; n < dimension; n++) {
        whole.set(m, n, agreementCounts[m][n]);
        sums[m] += agreementCounts[m][n];
      }
    }
    this.total = totalCount;
    this.round = rounds;
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

  /** The rule on whole messages: one chunk of all of d, its counts kept here. */
  @Override
  public Direction aggregate(List<Message> messages, AggregationContext ctx) {
    int d = Requirements.sameShape(name(), messages, MessageKind.SIGN);
    Requirements.basic(name(), ctx.workers(), ctx.declaredByzantine());
    Finished f = finish(messages, ctx.workers(), ctx.declaredByzantine(), shared(ctx.workers(), d), whole, d);
    whole = (Counts) f.state();
    advance(f.sums(), d);
    return f.direction();
  }

  @Override
  public Shared shared(int workers, int d) {
    Requirements.basic(name(), workers, 0);
    if (sums == null) {
      sums = new double[workers];
      dimension = d;
    }
    return new Shared(round, total, sums.clone(), dimension);
  }

  /** {@link #finish(List, int, int, java.io.Serializable, java.io.Serializable, int)}: the rule needs no f. */
  public Finished finish(List<Message> messages, int workers, java.io.Serializable shared, java.io.Serializable state,
      int length) {
    return finish(messages, workers, 0, shared, state, length);
  }

  /**
   * One chunk of one round: decode with the weights of the class comment, count the agreements into this chunk's A
   * (fresh at the first round), and return per worker the agreements added, the weights summed over the chunk and 1
   * when its message reached the rule.
   *
   * <p>One pass over the chunk, {@link #TILE_WORDS} sign words at a time: every worker's weighted signs are added into
   * the tile's Σ_m w_{m,n} s_{m,n} (so it stays in cache while the Q messages pass over it, instead of Q sweeps over
   * a d-long array), the tile is decoded into sign words, and each worker's counts for the tile are written into the
   * round's new A, read from the A it was given, which is never changed (a task that runs again counts from the same
   * A). Per coordinate the sums are added in the messages' order, as one sweep per message would add them.
   */
  @Override
  public Finished finish(List<Message> messages, int workers, int f, java.io.Serializable shared,
      java.io.Serializable state, int length) {
    Shared s = (Shared) shared;
    Counts before = (Counts) state;
    SignVector[] byWorker = new SignVector[workers];
    for (Message m : messages) {
      if (m.worker() < 0 || m.worker() >= workers || (before != null && before.length() != length)
          || m.dimension() != length) {
        throw new IllegalArgumentException(name() + ": worker " + m.worker() + " with d=" + m.dimension()
            + "; allowed: workers 0.." + (workers - 1) + " with d=" + (before != null ? before.length() : length));
      }
      if (byWorker[m.worker()] != null) {
        throw new IllegalArgumentException(name() + ": worker " + m.worker() + " sent two messages in round "
            + s.round() + "; allowed: one message per worker");
      }
      byWorker[m.worker()] = ((SignMessage) m).signs();
    }
    boolean exactBefore = before == null ? gamma == 1 : before.exact != null;
    double[] table = phaseTwo(s) && exactBefore ? llrTable(s) : null;
    // a 16-bit count could overflow in this round: from here on A is kept in float
    Counts after = new Counts(workers, length, exactBefore && s.round() < EXACT_LIMIT);
    int words = SignVector.wordsFor(length);
    long[] decodedNeg = new long[words];
    long[] decodedZero = new long[words];
    double[] u = new double[Math.min(length, TILE_WORDS * 64)];
    double[] weightSums = new double[workers];
    long[] added = new long[workers];
    for (int w0 = 0; w0 < words; w0 += TILE_WORDS) {
      int w1 = Math.min(words, w0 + TILE_WORDS);
      java.util.Arrays.fill(u, 0.0);
      for (Message m : messages) {
        int worker = m.worker();
        weightSums[worker] = addWeighted(u, byWorker[worker], worker, w0, w1, length, table, s, before,
            weightSums[worker]);
      }
      decode(u, w0, w1, length, decodedNeg, decodedZero);
      for (int worker = 0; worker < workers; worker++) {
        added[worker] += count(byWorker[worker], worker, w0, w1, length, decodedNeg, decodedZero, before, after);
      }
    }
    double[] out = new double[3 * workers];
    for (Message m : messages) {
      int worker = m.worker();
      out[worker] = added[worker];
      // phase 1: the worker's one weight; phase 2: its weights summed over the chunk
      out[workers + worker] = phaseTwo(s) ? weightSums[worker] : weight(s, before, worker, 0);
      out[2 * workers + worker] = 1; // the worker's message reached the rule
    }
    SignVector direction = SignVector.fromWords(length, decodedNeg, decodedZero);
    return new Finished(new Direction.Signs(direction), after, out);
  }

  /** Sign words per tile of {@link #finish}: 64 words, 4,096 coordinates (32 KB of sums). */
  static final int TILE_WORDS = 64;

  /**
   * After every chunk's part of a round: Σ A ← γ Σ A + the agreements added, C ← γ C + 1, r ← r + 1, and the
   * workers' mean weights (over all of d in phase 2).
   */
  @Override
  public void advance(double[] chunkSums, int d) {
    int q = sums.length;
    Shared before = new Shared(round, total, sums.clone(), dimension);
    boolean perWorker = !phaseTwo(before);
    double[] weights = new double[q];
    for (int m = 0; m < q; m++) {
      // phase 1: the worker's one weight (the chunks each summed it once); phase 2: the mean over all of d
      boolean reached = chunkSums[2 * q + m] > 0;
      weights[m] = !reached ? 0 : perWorker ? weight(before, null, m, 0) : chunkSums[q + m] / d;
      sums[m] = gamma * sums[m] + chunkSums[m];
    }
    lastWeights = weights;
    total = gamma * total + 1;
    round++;
  }

  private boolean phaseTwo(Shared s) {
    return s.round() >= initialRounds;
  }

  /** LLR(a/(C + ε)) for every integer count a = 0..r (γ = 1: the counts are exact integers). */
  private double[] llrTable(Shared s) {
    int max = (int) Math.min(s.round(), EXACT_LIMIT);
    double[] t = new double[max + 1];
    for (int a = 0; a <= max; a++) {
      t[a] = llr(a / (s.total() + EPSILON), maxLlr);
    }
    return t;
  }

  /**
   * u_{n − base} += w_{m,n} s_{m,n} for worker m over sign words w0..w1 (base = 64·w0); returns {@code sum} plus
   * w_{m,n} there, added in coordinate order (phase 2; phase 1: 0). Walks the sign's bit planes a 64-bit word at a time: s = (1 − 2·negative bit)·(1 − zero bit).
   */
  private double addWeighted(double[] u, SignVector s, int worker, int w0, int w1, int d, double[] table,
      Shared shared, Counts counts, double sum) {
    int offset = w0 << 6;
    if (!phaseTwo(shared)) {
      double constant = weight(shared, counts, worker, 0);
      for (int w = w0, base = offset; w < w1; w++, base += 64) {
        long neg = s.negativeWord(w);
        long zero = s.zeroWord(w);
        int end = Math.min(64, d - base);
        for (int b = 0; b < end; b++) {
          u[base - offset + b] += signed(constant, neg, zero, b);
        }
      }
      return 0;
    }
    char[] a = counts != null && counts.exact != null ? counts.exact[worker] : null;
    for (int w = w0, base = offset; w < w1; w++, base += 64) {
      long neg = s.negativeWord(w);
      long zero = s.zeroWord(w);
      int end = Math.min(64, d - base);
      for (int b = 0; b < end; b++) {
        int n = base + b;
        double weight = table == null ? weight(shared, counts, worker, n) : table[a == null ? 0 : a[n]];
        sum += weight;
        u[n - offset] += signed(weight, neg, zero, b);
      }
    }
    return sum;
  }

  /** The decoded signs of a tile, sign(u) with sign(0) = 0, into the sign words w0..w1. */
  private static void decode(double[] u, int w0, int w1, int d, long[] negative, long[] zero) {
    int offset = w0 << 6;
    for (int w = w0, base = offset; w < w1; w++, base += 64) {
      int end = Math.min(64, d - base);
      long neg = 0;
      long zer = 0;
      for (int b = 0; b < end; b++) {
        double v = u[base - offset + b];
        neg |= (v < 0 ? 1L : 0L) << b;
        zer |= (v > 0 || v < 0 ? 0L : 1L) << b;
      }
      negative[w] = neg;
      zero[w] = zer;
    }
  }

  /**
   * w·s for the sign s at bit b of a sign word pair, without a multiplication: w's sign bit flipped where s is
   * negative, and +0.0 where s is 0 (w·0 may be −0.0, but the sums start at +0.0 and x + (−x) is +0.0, so they are
   * never −0.0, and adding either zero leaves them unchanged).
   */
  private static double signed(double w, long neg, long zero, int b) {
    long bits = Double.doubleToRawLongBits(w) ^ (((neg >>> b) & 1) << 63);
    return Double.longBitsToDouble(bits & ~(-((zero >>> b) & 1)));
  }

  /** w_{m,n} for the coming round r, n a coordinate of the counts kept here (tests). */
  double weight(int worker, int n) {
    return weight(new Shared(round, total, sums, dimension), whole, worker, n);
  }

  /** w_{m,n} for round r (step "weights" of the class comment), n a coordinate of {@code counts}. */
  private double weight(Shared s, Counts counts, int worker, int n) {
    if (s.round() == 0 || (mvInit && s.round() < initialRounds)) {
      return 1;
    }
    if (s.round() < initialRounds) {
      // default Σ A / Σ C (= Σ A / (d·C), C the same for every coordinate); the code's Σ A / (d·r)
      double denominator = s.dimension() * (codePhase1 ? s.round() : s.total());
      return llr(s.sums()[worker] / denominator, maxLlr);
    }
    return llr((counts == null ? 0 : counts.get(worker, n)) / (s.total() + EPSILON), maxLlr);
  }

  /**
   * A ← γA + 1[agreement] for worker m over sign words w0..w1, read from {@code before} (fresh: 0) and written into
   * {@code after}; a worker without a message (null) agrees with nothing. Returns the agreements added.
   */
  private long count(SignVector s, int worker, int w0, int w1, int d, long[] decodedNeg, long[] decodedZero,
      Counts before, Counts after) {
    char[] ea = before != null && before.exact != null ? before.exact[worker] : null;
    float[] da = before != null && before.decayed != null ? before.decayed[worker] : null;
    char[] eb = after.exact != null ? after.exact[worker] : null;
    float[] db = after.exact != null ? null : after.decayed[worker];
    long zerosMayAgree = zerosAgree ? -1L : 0L;
    long added = 0;
    for (int w = w0, base = w0 << 6; w < w1; w++, base += 64) {
      long agree = 0;
      int end = Math.min(64, d - base);
      if (s != null) {
        long neg = s.negativeWord(w);
        long zero = s.zeroWord(w);
        // equal signs: both zero, or both nonzero with the same negative bit; a decoded 0 agrees with nobody
        // (unless zeros agree)
        long equal = ~(zero ^ decodedZero[w]) & (zero | ~(neg ^ decodedNeg[w]));
        agree = equal & (~decodedZero[w] | zerosMayAgree);
        if (end < 64) {
          agree &= (1L << end) - 1;
        }
        added += Long.bitCount(agree);
      }
      if (eb != null) {
        for (int b = 0; b < end; b++) {
          eb[base + b] = (char) ((ea == null ? 0 : ea[base + b]) + (int) ((agree >>> b) & 1));
        }
      } else {
        for (int b = 0; b < end; b++) {
          float old = da != null ? (float) (gamma * da[base + b]) : ea != null ? ea[base + b] : 0f;
          db[base + b] = old + (int) ((agree >>> b) & 1);
        }
      }
    }
    return added;
  }

  /** LLR(q) = sign(ℓ) · min(|ℓ|, c), ℓ = ln((q + ε)/(1 − q + ε)); q is the estimated agreement probability. */
  static double llr(double q, double clip) {
    double l = Math.log((q + EPSILON) / (1 - q + EPSILON));
    return Math.signum(l) * Math.min(Math.abs(l), clip);
  }
}
