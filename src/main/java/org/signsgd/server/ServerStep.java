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
import org.signsgd.attack.SearchingAttack;
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
    Rounds rounds = new Rounds(plan, runner, t, sampled);
    ChunkedRule chunked = plan.whole() ? null : rule.chunked();
    ChunkStatefulRule stateful = plan.whole() ? null : rule.chunkStateful();
    ChunkedAttack chunkedAttack = plan.whole() ? null : attack.chunked();
    SearchingAttack searching = plan.whole() ? null : attack.searching();
    java.io.Serializable attackDecided = null;
    if (chunkedAttack != null) { // the attack's passes of sums come first
      while (!chunkedAttack.ready(attackDecided)) {
        attackDecided = chunkedAttack.decide(sums(t, rounds.complete(0, null, attackDecided, false)),
            attackDecided);
      }
    } else if (searching != null) {
      attackDecided = search(searching, chunked, stateful, rounds);
    }
    // a chunk-stateful rule's chunks start from what the rule keeps on the driver
    java.io.Serializable decided = stateful == null ? null : stateful.shared(plan.workers(), plan.dimension());
    List<ChunkResult> results;
    for (int pass = 0; ; pass++) {
      results = rounds.complete(pass, decided, attackDecided, true);
      if (chunked != null && pass < chunked.passes()) {
        decided = bound(chunked, plan, t).decide(pass, sums(t, results), results.get(0).reached(),
            rounds.declared(0), decided);
      } else if (stateful != null && pass < stateful.passes()) {
        decided = bound(stateful, plan, t).decide(pass, sums(t, results), results.get(0).reached(),
            rounds.declared(0), decided);
      } else {
        break;
      }
    }
    Set<Integer> badUplinks = rounds.badUplinks;
    Set<Integer> badForged = rounds.badForged;
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
        workerAgreement = workerAgreement(plan, runner.run(new Round(t, badUplinks, badForged, sampled,
            chunked != null ? chunked.passes() : stateful != null ? stateful.passes() : 0, decided, attackDecided,
            applied)));
      }
    }
    return new Served(dir, bytesUp(plan, results), badUplinks.size() + badForged.size(),
        withReference ? agreement(plan, results) : null, ratio(results, false), sampled ? ratio(results, true)
        : null, workerAgreement, weights);
  }

  /**
   * A searching attack's evaluations: for each factor the search proposes, the rule's passes over every chunk with
   * the honest messages and B copies of the candidate, the last giving each chunk's part of the objective (with, in
   * each pass's first sum, how many chunks found the candidate non-finite: then the candidates are dropped, as on
   * whole vectors, and the evaluation runs again without them). The factor found, for the chunks to forge with.
   */
  private static java.io.Serializable search(SearchingAttack searching, ChunkedRule chunked,
      ChunkStatefulRule stateful, Rounds rounds) {
    if (rounds.byzantineSent() == 0) { // no Byzantine worker: nothing to search
      return new Found(searching.found(null));
    }
    int rulePasses = chunked != null ? chunked.passes() : stateful != null ? stateful.passes() : 0;
    // a rule that keeps state per chunk starts each try from what it keeps on the driver, as the round itself does
    java.io.Serializable start = stateful == null ? null : stateful.shared(rounds.plan.workers(),
        rounds.plan.dimension());
    double[] values = new double[searching.evaluations()];
    for (int e = 0; e < values.length; e++) {
      double factor = searching.proposal(java.util.Arrays.copyOf(values, e));
      boolean dropped = false;
      java.io.Serializable decided = start;
      for (int pass = 0; pass <= rulePasses; pass++) {
        List<ChunkResult> results = rounds.complete(pass, decided, new Trial(factor, dropped), false);
        if (rounds.byzantineSent() == 0) { // every Byzantine message was malformed: nothing to forge
          return new Found(searching.found(null));
        }
        double[] sums = sums(rounds.t, results);
        if (sums[0] > 0 && !dropped) { // a candidate non-finite somewhere: dropped everywhere, as on whole vectors
          dropped = true;
          decided = start;
          pass = -1;
          continue;
        }
        double[] rest = java.util.Arrays.copyOfRange(sums, 1, sums.length);
        if (pass < rulePasses) {
          int f = rounds.declared(dropped ? rounds.byzantineSent() : 0);
          decided = chunked != null ? bound(chunked, rounds.plan, rounds.t).decide(pass, rest,
              results.get(0).reached(), f, decided)
              : bound(stateful, rounds.plan, rounds.t).decide(pass, rest, results.get(0).reached(), f, decided);
        } else {
          values[e] = rest[0];
        }
      }
    }
    return new Found(searching.found(values));
  }

  /**
   * The rule as the driver decides with it: bound to a fresh copy of the round's stream of chunk 0, the stream every
   * chunk and the rule on whole vectors draw from, so that a rule that draws between its passes (signguard's
   * coordinates, after bucketing's permutation) draws on the driver what the rule on whole vectors draws.
   */
  private static ChunkedRule bound(ChunkedRule chunked, ServerPlan plan, long t) {
    return chunked.forRound(stream(plan, t), 0, plan.dimension());
  }

  /** The same for a rule that keeps state per chunk (a pre-aggregation step over centered-clipping). */
  private static ChunkStatefulRule bound(ChunkStatefulRule stateful, ServerPlan plan, long t) {
    return stateful.forRound(stream(plan, t), 0, plan.dimension());
  }

  private static java.util.random.RandomGenerator stream(ServerPlan plan, long t) {
    return org.signsgd.rng.SeedStreams.of(plan.seed(), t, org.signsgd.rng.SeedStreams.DRIVER,
        org.signsgd.rng.SeedStreams.Purpose.TIE);
  }

  /** A round of a searching attack's evaluation: the candidates at {@code factor}, or none when {@code dropped}. */
  record Trial(double factor, boolean dropped) implements java.io.Serializable {}

  /** The factor a searching attack found: the chunks forge with it. */
  record Found(double factor) implements java.io.Serializable {}

  /**
   * Runs rounds over every chunk until they agree on the malformed messages: the iteration's first round finds every
   * malformed uplink, and the first that forges every malformed forgery (each may take one round more); a later
   * round that finds one the rounds did not know of is an error.
   */
  private static final class Rounds {
    final ServerPlan plan;
    final ChunkRunner runner;
    final long t;
    final boolean sampled;
    final Set<Integer> badUplinks = new HashSet<>();
    final Set<Integer> badForged = new HashSet<>();
    private boolean started;
    private boolean forged;

    Rounds(ServerPlan plan, ChunkRunner runner, long t, boolean sampled) {
      this.plan = plan;
      this.runner = runner;
      this.t = t;
      this.sampled = sampled;
    }

    /** @param forging whether the chunks forge in this round (not an attack's pass of sums or a candidate's trial) */
    List<ChunkResult> complete(int pass, java.io.Serializable decided, java.io.Serializable attackDecided,
        boolean forging) {
      for (int attempt = 1; ; attempt++) {
        List<ChunkResult> results = new ArrayList<>(runner.run(new Round(t, badUplinks, badForged, sampled, pass,
            decided, attackDecided, null)));
        boolean complete = true;
        Set<Integer> newUplinks = new HashSet<>();
        Set<Integer> newForged = new HashSet<>();
        for (ChunkResult r : results) {
          complete &= r.complete();
          newUplinks.addAll(r.badUplinks());
          newForged.addAll(r.badForged());
        }
        newUplinks.removeAll(badUplinks);
        badUplinks.addAll(newUplinks);
        if (newUplinks.isEmpty()) {
          // a chunk that had not yet seen every bad uplink forged from the wrong Byzantine messages: its verdict on
          // the forgeries waits for the round that knows them all
          badForged.addAll(newForged);
        }
        if (complete) {
          started = true;
          forged |= forging;
          return results;
        }
        if ((started && (!forging || forged)) || attempt == 3) {
          throw new IllegalStateException("iteration " + t + ": the server's chunks still disagree on the malformed "
              + "messages after " + attempt + " passes (uplinks " + badUplinks + ", forged " + badForged + ")");
        }
      }
    }

    /** The Byzantine workers whose own message was well formed (those an attack forges for). */
    int byzantineSent() {
      int n = 0;
      for (int w = 0; w < plan.workers(); w++) {
        n += plan.byzantine()[w] && !badUplinks.contains(w) ? 1 : 0;
      }
      return n;
    }

    /**
     * The f a rule is told: the declared count, less one for each dense message dropped as malformed (and
     * {@code more} dropped besides).
     */
    int declared(int more) {
      int dropped = plan.kind() == MessageKind.SIGN ? 0 : badUplinks.size() + badForged.size() + more;
      return Math.max(0, plan.declaredByzantine() - dropped);
    }
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
