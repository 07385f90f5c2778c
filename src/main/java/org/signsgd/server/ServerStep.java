package org.signsgd.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.signsgd.aggregate.Aggregator;
import org.signsgd.aggregate.ChunkStatefulRule;
import org.signsgd.aggregate.ChunkedRule;
import org.signsgd.aggregate.Direction;
import org.signsgd.attack.Attack;
import org.signsgd.attack.ChunkedAttack;
import org.signsgd.message.MessageKind;
import org.signsgd.vote.SignVector;

/**
 * The server's half of an iteration, wherever its chunks run ({@link LocalChunks} on the driver, the shards of
 * {@code aggregation: sharded} on the executors): passes over every chunk until none finds a malformed message the
 * pass did not know of (one pass unless a message is malformed), then the direction's chunks put together and the
 * metrics' partial sums added in chunk order.
 */
public final class ServerStep {
  private ServerStep() {}

  /** Runs the server's work on every chunk of one round; the results in any order. */
  public interface ChunkRunner {
    List<ChunkResult> run(Round round);
  }

  /**
   * What the server returns for one iteration.
   *
   * @param bytesUp the uplink bytes of the messages that reached the rule
 * @param malformed messages found malformed, counted once per message (a worker's own and its forged one apart)
   * @param honestAgreement p̂, the fraction of honest sign bits equal to the reference's (null without a reference;
   *     NaN with no honest message)
   * @param receivedRatio the variance-norm ratio of the honest vectors as received (dense rules; null when undefined)
   * @param sampledRatio the same over the honest sampled gradients (null when they did not come)
   * @param workerAgreement per worker, its message's sign agreements with the direction (−1: none reached the rule)
   * @param weights each worker's weight in the rule (chunk 0's; null for a rule that does not weight)
   */
  public record Served(Direction direction, long bytesUp, int malformed, Double honestAgreement, Double receivedRatio,
      Double sampledRatio, long[] workerAgreement, double[] weights) {}

  /**
   * @param rule the driver's instance of the run's rule: a chunked rule decides between its passes here
   * @param attack the driver's instance of the run's attack: a chunked attack decides between its passes here (and
   *     keeps what its search found, for the row)
   * @param momentum server momentum, applied to the rule's direction on the driver (null: none); the workers/ rows
   *     then need one more pass, which counts the messages' agreements with the applied direction
   */
  public static Served serve(ServerPlan plan, Aggregator rule, Attack attack, long t, boolean sampled,
      boolean withReference, ChunkRunner runner, java.util.function.UnaryOperator<Direction> momentum) {
    Set<Integer> badUplinks = new HashSet<>();
    Set<Integer> badForged = new HashSet<>();
    ChunkedRule chunked = plan.whole() ? null : rule.chunked();
    ChunkStatefulRule stateful = plan.whole() ? null : rule.chunkStateful();
    ChunkedAttack chunkedAttack = plan.whole() ? null : attack.chunked();
    int attackPasses = chunkedAttack == null ? 0 : chunkedAttack.passes();
    int pass = 0;
    // a chunk-stateful rule's chunks start from what the rule keeps on the driver
    java.io.Serializable decided = stateful == null ? null : stateful.shared(plan.workers(), plan.dimension());
    java.io.Serializable attackDecided = null;
    List<ChunkResult> results;
    for (int attempt = 1; ; attempt++) {
      results = new ArrayList<>(runner.run(new Round(t, badUplinks, badForged, sampled, pass, decided,
          attackDecided, null)));
      boolean complete = true;
      Set<Integer> newUplinks = new HashSet<>();
      Set<Integer> forged = new HashSet<>();
      for (ChunkResult r : results) {
        complete &= r.complete();
        newUplinks.addAll(r.badUplinks());
        forged.addAll(r.badForged());
      }
      newUplinks.removeAll(badUplinks);
      badUplinks.addAll(newUplinks);
      if (newUplinks.isEmpty()) {
        // a chunk that had not yet seen every bad uplink forged from the wrong Byzantine messages: its verdict on
        // the forgeries waits for the pass that knows them all
        badForged.addAll(forged);
      }
      if (complete && pass < attackPasses) {
        attackDecided = chunkedAttack.decide(pass, sums(t, results), attackDecided);
        pass++;
        continue;
      }
      int rulePass = pass - attackPasses;
      if (complete && chunked != null && rulePass < chunked.passes()) {
        decided = chunked.decide(rulePass, sums(t, results), results.get(0).reached(), declared(plan, badUplinks,
            badForged), decided);
        pass++;
        continue;
      }
      if (complete && stateful != null && rulePass < stateful.passes()) {
        decided = stateful.decide(rulePass, sums(t, results), results.get(0).reached(), decided);
        pass++;
        continue;
      }
      if (complete) {
        break;
      }
      // the first pass finds every bad uplink; the first that forges (after the attack's passes) every bad forgery
      if ((pass != 0 && rulePass != 0) || attempt == 3 + attackPasses) {
        throw new IllegalStateException("iteration " + t + ": the server's chunks still disagree on the malformed "
            + "messages after " + attempt + " passes (uplinks " + badUplinks + ", forged " + badForged + ")");
      }
    }
    results.sort(Comparator.comparingInt(ChunkResult::chunk));
    int count = plan.chunks().count();
    if (results.size() != count) {
      throw new IllegalStateException("iteration " + t + ": " + results.size() + " chunk results for " + count
          + " chunks");
    }
    Direction dir = direction(plan, results);
    double[] weights = results.get(0).weights();
    if (stateful != null) {
      stateful.advance(sums(t, results), plan.dimension());
      weights = rule.lastWeights();
    }
    long[] workerAgreement = workerAgreement(plan, results);
    if (momentum != null) {
      dir = momentum.apply(dir);
      if (plan.workerMetrics()) {
        SignVector applied = dir instanceof Direction.Signs s ? s.signs()
            : SignVector.pack(dir.toFloats(), org.signsgd.vote.TieRule.ZERO, null);
        workerAgreement = workerAgreement(plan, runner.run(new Round(t, badUplinks, badForged, sampled, pass,
            decided, attackDecided, applied)));
      }
    }
    return new Served(dir, bytesUp(plan, results), badUplinks.size() + badForged.size(),
        withReference ? agreement(plan, results) : null, ratio(results, false), sampled ? ratio(results, true)
        : null, workerAgreement, weights);
  }

  /** The f a rule is told: the declared count, less one for each dense message dropped as malformed. */
  private static int declared(ServerPlan plan, Set<Integer> badUplinks, Set<Integer> badForged) {
    int dropped = plan.kind() == MessageKind.SIGN ? 0 : badUplinks.size() + badForged.size();
    return Math.max(0, plan.declaredByzantine() - dropped);
  }

  /** A pass's partial sums added in chunk order. */
  private static double[] sums(long t, List<ChunkResult> results) {
    List<ChunkResult> sorted = new ArrayList<>(results);
    sorted.sort(Comparator.comparingInt(ChunkResult::chunk));
    double[] out = sorted.get(0).partial().clone();
    for (ChunkResult r : sorted.subList(1, sorted.size())) {
      double[] p = r.partial();
      if (p.length != out.length) {
        throw new IllegalStateException("iteration " + t + ": chunk " + r.chunk() + " sent " + p.length
            + " partial sums; chunk 0 sent " + out.length);
      }
      for (int i = 0; i < out.length; i++) {
        out[i] += p[i];
      }
    }
    return out;
  }

  private static Direction direction(ServerPlan plan, List<ChunkResult> results) {
    if (results.size() == 1) {
      return results.get(0).direction();
    }
    if (plan.kind() == MessageKind.SIGN) {
      List<SignVector> parts = new ArrayList<>(results.size());
      for (ChunkResult r : results) {
        parts.add(((Direction.Signs) r.direction()).signs());
      }
      return new Direction.Signs(SignVector.concat(parts));
    }
    float[] placed = ((Direction.Dense) results.get(0).direction()).values();
    if (placed.length == plan.dimension()) { // the runner copied every chunk into one array as results arrived
      for (ChunkResult r : results) {
        if (((Direction.Dense) r.direction()).values() != placed) {
          throw new IllegalStateException("chunk " + r.chunk() + "'s direction was not placed with chunk "
              + results.get(0).chunk() + "'s");
        }
      }
      return results.get(0).direction();
    }
    float[] out = new float[plan.dimension()];
    int at = 0;
    for (ChunkResult r : results) {
      float[] part = ((Direction.Dense) r.direction()).values();
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return new Direction.Dense(out);
  }

  /** What the received messages weigh on the uplink: 4 bytes a coordinate, or 1 bit (2 with a zero). */
  private static long bytesUp(ServerPlan plan, List<ChunkResult> results) {
    long received = results.get(0).reached();
    int d = plan.dimension();
    if (plan.kind() == MessageKind.DENSE) {
      return received * (org.signsgd.message.DenseMessage.HEADER_BYTES + 4L * d);
    }
    Set<Integer> withZeros = new HashSet<>();
    for (ChunkResult r : results) {
      withZeros.addAll(r.withZeros());
    }
    long plane = (d + 7L) >>> 3;
    return received * (org.signsgd.message.SignMessage.HEADER_BYTES + SignVector.HEADER_BYTES + plane)
        + withZeros.size() * plane;
  }

  private static double agreement(ServerPlan plan, List<ChunkResult> results) {
    int honest = results.get(0).honest();
    if (honest == 0) {
      return Double.NaN;
    }
    long agree = 0;
    for (ChunkResult r : results) {
      agree += r.agreement();
    }
    return (double) agree / ((double) honest * plan.dimension());
  }

  /** r = (1/(k−1)) Σ‖u_m − ū‖² / ‖ū‖², its sums added in chunk order; null when undefined. */
  private static Double ratio(List<ChunkResult> results, boolean sampled) {
    double meanNorm = 0;
    double dev = 0;
    for (ChunkResult r : results) {
      double[] p = sampled ? r.sampled() : r.received();
      if (p == null) {
        return null;
      }
      meanNorm += p[0];
      dev += p[1];
    }
    return VarianceNormRatio.of(meanNorm, dev, results.get(0).honest());
  }

  private static long[] workerAgreement(ServerPlan plan, List<ChunkResult> unsorted) {
    if (!plan.workerMetrics()) {
      return null;
    }
    List<ChunkResult> results = new ArrayList<>(unsorted);
    results.sort(Comparator.comparingInt(ChunkResult::chunk));
    long[] out = results.get(0).workerAgreement().clone();
    for (ChunkResult r : results.subList(1, results.size())) {
      long[] part = r.workerAgreement();
      for (int w = 0; w < out.length; w++) {
        out[w] = out[w] < 0 || part[w] < 0 ? -1 : out[w] + part[w];
      }
    }
    return out;
  }
}
