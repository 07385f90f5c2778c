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
 * ({@code chanho26/SignSGD_Codec: Algorithms/train_signSGD_FD.py}; REFERENCE Part I §2.2):
 * <pre>
 *   LLR(q) = sign(ℓ) · min(|ℓ|, c),  ℓ = ln((q + ε) / (1 − q + ε))
 *   round r = 0:        w_{m,n} = 1
 *   1 ≤ r &lt; T_in:       w_{m,n} = LLR(q̂_m),     q̂_m = Σ_n A_{m,n} / Σ_n C_{m,n}   (DESIGN §7; code: / (d·r))
 *   r ≥ T_in:           w_{m,n} = LLR(q̂_{m,n}), q̂_{m,n} = A_{m,n} / (C_{m,n} + ε)
 *   decode:             ŝ_n = sign(Σ_m w_{m,n} s_{m,n})                          (tie → 0)
 *   count:              A ← γA + 1[ŝ_n = s_{m,n} ≠ 0 … a decoded 0 agrees with nobody],  C ← γC + 1
 * </pre>
 * C is the same for every (m, n) (every worker is counted every round; a malformed message is an abstention),
 * so it is kept as one number. The variant {@code sign-fv} ({@code mvInit}) uses the plain vote for r &lt; T_in
 * (the paper's ablation, {@code train_signSGD_FV.py}). Stateful: the counts live in this object.
 */
public final class FederatedDefense implements Aggregator {
  public static final String NAME = "sign-fd";
  public static final String NAME_MV_INIT = "sign-fv";
  static final double EPSILON = 1e-5;

  private final boolean mvInit;
  private final int initialRounds;
  private final double maxLlr;
  private final double gamma;
  private float[][] agreements;
  private double total;
  private long round;

  /**
   * @param mvInit plain majority vote during the initial phase ({@code sign-fv})
   * @param initialRounds T_in (code default 100)
   * @param maxLlr the clip c (code {@code max_LLR} = 10)
   * @param gamma the forgetting factor (code {@code weight_exp} = 1)
   */
  public FederatedDefense(boolean mvInit, int initialRounds, double maxLlr, double gamma) {
    if (initialRounds < 1 || !(maxLlr > 0) || !(gamma > 0 && gamma <= 1)) {
      throw new IllegalArgumentException(name(mvInit) + ": t_in=" + initialRounds + ", max_llr=" + maxLlr
          + ", gamma=" + gamma + "; allowed: t_in >= 1, max_llr > 0, 0 < gamma <= 1");
    }
    this.mvInit = mvInit;
    this.initialRounds = initialRounds;
    this.maxLlr = maxLlr;
    this.gamma = gamma;
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

  /** Restores the counts (checkpoint, tests): A[m][n] per worker and coordinate, C and r. */
  void restore(float[][] agreementCounts, double totalCount, long rounds) {
    this.agreements = agreementCounts;
    this.total = totalCount;
    this.round = rounds;
  }

  /** Σ_n A_{m,n} for worker m. */
  public double agreementSum(int worker) {
    double s = 0;
    for (float a : agreements[worker]) {
      s += a;
    }
    return s;
  }

  @Override
  public Direction aggregate(List<Message> messages, AggregationContext ctx) {
    int d = Requirements.sameShape(name(), messages, MessageKind.SIGN);
    Requirements.basic(name(), ctx.workers(), ctx.declaredByzantine());
    if (agreements == null) {
      agreements = new float[ctx.workers()][d];
    }
    boolean[] seen = new boolean[agreements.length];
    for (Message m : messages) {
      requireWorker(m.worker(), d);
      if (seen[m.worker()]) {
        throw new IllegalArgumentException(name() + ": worker " + m.worker() + " sent two messages in round "
            + round + "; allowed: one message per worker");
      }
      seen[m.worker()] = true;
    }
    double[] u = new double[d];
    for (Message m : messages) {
      addWeighted(u, ((SignMessage) m).signs(), m.worker(), d);
    }
    int[] decoded = new int[d];
    for (int n = 0; n < d; n++) {
      decoded[n] = u[n] > 0 ? 1 : u[n] < 0 ? -1 : 0;
    }
    count(messages, decoded);
    return new Direction.Signs(SignVector.ofSigns(decoded));
  }

  private void requireWorker(int worker, int d) {
    if (worker < 0 || worker >= agreements.length || agreements[worker].length != d) {
      throw new IllegalArgumentException(name() + ": worker " + worker + " with d=" + d + "; allowed: workers 0.."
          + (agreements.length - 1) + " with d=" + agreements[0].length);
    }
  }

  /** u_n += w_{m,n} s_{m,n} for worker m. */
  private void addWeighted(double[] u, SignVector s, int worker, int d) {
    double perWorker = round < initialRounds ? weight(worker, 0) : 0;
    for (int n = 0; n < d; n++) {
      int sign = s.sign(n);
      if (sign != 0) {
        u[n] += (round < initialRounds ? perWorker : weight(worker, n)) * sign;
      }
    }
  }

  /** w_{m,n} for the coming round r (REFERENCE Part I §2.2, step 1). */
  double weight(int worker, int n) {
    if (round == 0 || (mvInit && round < initialRounds)) {
      return 1;
    }
    if (round < initialRounds) {
      return llr(agreementSum(worker) / (agreements[worker].length * total), maxLlr);
    }
    return llr(agreements[worker][n] / (total + EPSILON), maxLlr);
  }

  private void count(List<Message> messages, int[] decoded) {
    if (gamma != 1) {
      for (float[] row : agreements) {
        for (int n = 0; n < row.length; n++) {
          row[n] = (float) (gamma * row[n]);
        }
      }
    }
    for (Message m : messages) {
      SignVector s = ((SignMessage) m).signs();
      float[] row = agreements[m.worker()];
      for (int n = 0; n < decoded.length; n++) {
        if (decoded[n] != 0 && decoded[n] == s.sign(n)) {
          row[n] += 1;
        }
      }
    }
    total = gamma * total + 1;
    round++;
  }

  /** LLR(q) = sign(ℓ) · min(|ℓ|, c), ℓ = ln((q + ε)/(1 − q + ε)); q is the estimated agreement probability. */
  static double llr(double q, double clip) {
    double l = Math.log((q + EPSILON) / (1 - q + EPSILON));
    return Math.signum(l) * Math.min(Math.abs(l), clip);
  }
}
