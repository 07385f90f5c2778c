package org.signsgd.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.signsgd.aggregate.AggregationContext;
import org.signsgd.aggregate.Aggregator;
import org.signsgd.aggregate.ChunkStatefulRule;
import org.signsgd.aggregate.ChunkedRule;
import org.signsgd.aggregate.Direction;
import org.signsgd.attack.Attack;
import org.signsgd.attack.AttackView;
import org.signsgd.attack.ChunkedAttack;
import org.signsgd.attack.SearchingAttack;
import org.signsgd.attack.ThreatModel;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;
import org.signsgd.message.SignMessage;
import org.signsgd.rng.SeedStreams;
import org.signsgd.vote.SignVector;
import org.signsgd.vote.TieRule;

/**
 * The server's work on one chunk of coordinates, the same function wherever it runs: check the messages, let the
 * attack forge the Byzantine ones from what its threat model allows, check those, aggregate, and take the partial
 * sums of the metrics. A malformed dense message is dropped (the rule is then told f less one per drop, since it was
 * a Byzantine one); a malformed sign message is an abstention. Nothing here throws on a bad message.
 */
public final class ChunkWork {
  private ChunkWork() {}

  /**
   * @param pieces one per worker that sent a message, any order
   * @param reference the reference gradient's coordinates, for an attack that reads it (else null)
   * @param referenceSigns the reference's signs over this chunk, for the agreement metric (else null)
   * @param state a chunk-stateful rule's state of this chunk (null at its first round, and for other rules)
   */
  public static ChunkResult run(Aggregator rule, Attack attack, ServerPlan plan, Round round, int chunk,
      List<ChunkPiece> pieces, float[] reference, SignVector referenceSigns, java.io.Serializable state) {
    Chunks chunks = plan.chunks();
    int len = chunks.to(chunk) - chunks.from(chunk);
    List<ChunkPiece> sorted = new ArrayList<>(pieces);
    sorted.sort(Comparator.comparingInt(ChunkPiece::worker));
    boolean sign = plan.kind() == MessageKind.SIGN;

    Set<Integer> badUplinks = new HashSet<>();
    List<Message> honest = new ArrayList<>();
    List<float[]> honestSampled = new ArrayList<>();
    List<Message> own = new ArrayList<>();
    List<float[]> ownVectors = new ArrayList<>();
    for (ChunkPiece p : sorted) {
      Message m = p.message();
      boolean bad = !wellFormed(m, plan.kind(), len);
      if (bad) {
        badUplinks.add(p.worker());
      }
      if (bad || round.badUplinks().contains(p.worker())) {
        if (!sign || m == null) { // no message at all is no vote either
          continue;
        }
        m = new SignMessage(p.worker(), SignVector.allZero(len));
      }
      if (plan.byzantine()[p.worker()]) {
        own.add(m);
        ownVectors.add(p.ownVector());
      } else {
        honest.add(m);
        honestSampled.add(p.sampled());
      }
    }
    if (!round.badUplinks().containsAll(badUplinks)) {
      return ChunkResult.incomplete(chunk, badUplinks, Set.of());
    }

    boolean omniscient = attack.threatModel() == ThreatModel.OMNISCIENT;
    // an optimising attack tries the rule on whole vectors: the honest messages with its candidates
    AttackView.RuleTrial trial = omniscient && plan.whole() && !sign
        ? forgedTry -> trial(rule, plan, round, chunk, len, honest, forgedTry) : null;
    AttackView view = new AttackView(attack.threatModel(), plan.kind(), len, plan.workers(), own, ownVectors,
        omniscient ? honest : null, omniscient ? reference : null, plan.encoding(), plan.seed(),
        round.iteration(), chunk, trial);
    ChunkedAttack chunkedAttack = plan.whole() ? null : attack.chunked();
    if (chunkedAttack != null && !chunkedAttack.ready(round.attackDecided())) {
      return ChunkResult.partial(chunk, badUplinks, Set.of(), honest.size() + own.size(),
          chunkedAttack.partial(view, round.attackDecided()));
    }
    SearchingAttack searching = plan.whole() ? null : attack.searching();
    if (searching != null && round.attackDecided() instanceof ServerStep.Trial t) {
      return tried(rule, searching, plan, round, chunk, view, honest, t, badUplinks, state);
    }
    List<Message> forged = chunkedAttack != null ? chunkedAttack.finish(view, round.attackDecided())
        : searching != null ? searching.candidate(view, chunks.from(chunk), chunks.dimension(),
            ((ServerStep.Found) round.attackDecided()).factor())
        : attack.forge(view);
    Set<Integer> badForged = new HashSet<>();
    List<Message> all = new ArrayList<>(honest);
    for (int k = 0; k < forged.size(); k++) {
      Message m = forged.get(k);
      int worker = m != null ? m.worker() : k < own.size() ? own.get(k).worker() : -1;
      boolean bad = !wellFormed(m, plan.kind(), len);
      if (bad) {
        badForged.add(worker);
      }
      if (bad || round.badForged().contains(worker)) {
        if (sign && m != null) {
          all.add(new SignMessage(m.worker(), SignVector.allZero(len)));
        }
        continue;
      }
      all.add(m);
    }
    if (!round.badForged().containsAll(badForged)) {
      return ChunkResult.incomplete(chunk, badUplinks, badForged);
    }
    all.sort(Comparator.comparingInt(Message::worker));
    if (round.against() != null) {
      // the applied direction (after server momentum) is known now: only each message's agreement with it
      SignVector against = chunks.count() == 1 ? round.against() : round.against().slice(chunks.from(chunk),
          chunks.to(chunk));
      return ChunkResult.agreements(chunk, agreements(plan, all, against));
    }
    if (all.isEmpty()) {
      throw new IllegalArgumentException(rule.name() + ": no message reached the rule at iteration "
          + round.iteration() + " (every one was malformed); allowed: at least one well-formed message");
    }

    int dropped = sign ? 0 : round.badUplinks().size() + round.badForged().size();
    int f = Math.max(0, plan.declaredByzantine() - dropped);
    ChunkStatefulRule stateful = plan.whole() ? null : boundState(rule, plan, round, chunk);
    int pass = round.pass();
    Direction dir;
    double[] statefulSums = null;
    java.io.Serializable newState = null;
    if (stateful != null && pass < stateful.passes()) {
      return ChunkResult.partial(chunk, badUplinks, badForged, all.size(),
          stateful.partial(pass, all, f, round.decided(), state));
    }
    if (stateful != null) {
      ChunkStatefulRule.Finished done = stateful.finish(all, plan.workers(), f, round.decided(), state, len);
      dir = done.direction();
      statefulSums = done.sums();
      newState = done.state();
    } else {
      Object out = stateless(rule, plan, round, chunk, all, f);
      if (out instanceof double[] sums) {
        return ChunkResult.partial(chunk, badUplinks, badForged, all.size(), sums);
      }
      dir = (Direction) out;
    }

    long agreement = 0;
    if (referenceSigns != null) {
      for (Message m : honest) {
        agreement += signsOf(m).agreements(referenceSigns);
      }
    }
    double[] received = sign ? null : VarianceNormRatio.sums(honest.stream().map(m -> ((DenseMessage) m).values()).toList());
    double[] sampled = sign || !round.sampled() ? null : VarianceNormRatio.sums(honestSampled);
    long[] workerAgreement = !plan.workerMetrics() ? null : agreements(plan, all,
        dir instanceof Direction.Signs s ? s.signs() : SignVector.pack(dir.toFloats(), TieRule.ZERO, null));
    Set<Integer> withZeros = new HashSet<>();
    for (Message m : all) {
      if (m instanceof SignMessage s && s.signs().hasZeros()) {
        withZeros.add(m.worker());
      }
    }
    return new ChunkResult(chunk, true, Set.copyOf(badUplinks), Set.copyOf(badForged), dir, all.size(), agreement,
        honest.size(), received, sampled, workerAgreement, Set.copyOf(withZeros), statefulSums,
        stateful == null ? rule.lastWeights() : null, newState);
  }

  /**
   * The rule's chunk-stateful part for this chunk of this round (null: it has none), bound to the round's stream of
   * chunk 0 (a pre-aggregation step that draws takes its draws from it, as on whole vectors).
   */
  private static ChunkStatefulRule boundState(Aggregator rule, ServerPlan plan, Round round, int chunk) {
    ChunkStatefulRule stateful = rule.chunkStateful();
    return stateful == null ? null : stateful.forRound(SeedStreams.of(plan.seed(), round.iteration(),
        SeedStreams.DRIVER, SeedStreams.Purpose.TIE), plan.chunks().from(chunk), plan.chunks().dimension());
  }

  /**
   * A rule that keeps no state per chunk, over one chunk's messages {@code all} (sorted by worker) with f: a chunked
   * rule's partial sums ({@code double[]}) at a pass before its finish, else the direction's coordinates
   * ({@link Direction}). The real aggregation and a searching attack's trials both run the rule here.
   */
  private static Object stateless(Aggregator rule, ServerPlan plan, Round round, int chunk, List<Message> all,
      int f) {
    Chunks chunks = plan.chunks();
    ChunkedRule passes = plan.whole() ? null : rule.chunked();
    if (passes == null) {
      return rule.aggregate(all, new AggregationContext(plan.workers(), f, round.iteration(),
          SeedStreams.of(plan.seed(), round.iteration(), SeedStreams.DRIVER, SeedStreams.Purpose.TIE, chunk)));
    }
    double[][] x = DenseMessage.rows(all);
    passes = passes.forWorkers(all.stream().mapToInt(Message::worker).toArray()).forRound(SeedStreams.of(
        plan.seed(), round.iteration(), SeedStreams.DRIVER, SeedStreams.Purpose.TIE), chunks.from(chunk),
        chunks.dimension());
    if (round.pass() < passes.passes()) {
      return passes.partial(round.pass(), x, f, round.decided());
    }
    double[] y = passes.finish(x, f, round.decided());
    float[] out = new float[y.length];
    for (int k = 0; k < y.length; k++) {
      out[k] = (float) y[k];
    }
    return new Direction.Dense(out);
  }

  /**
   * One round of a searching attack's evaluation over this chunk: the rule's pass (from the chunk's state, for a
   * rule that keeps one) on the honest messages and the candidates at the trial's factor (none when the trial dropped them, f then told that many less), returning, after
   * how many candidates were non-finite here (0 or 1: they are copies of one vector; a non-finite one is tried as
   * zeros, for the driver runs the evaluation again without them), the rule's partial sums, or at its finish the
   * chunk's part of the objective.
   */
  private static ChunkResult tried(Aggregator rule, SearchingAttack searching, ServerPlan plan, Round round,
      int chunk, AttackView view, List<Message> honest, ServerStep.Trial trial, Set<Integer> badUplinks,
      java.io.Serializable state) {
    Chunks chunks = plan.chunks();
    int len = view.dimension();
    List<Message> candidates = searching.candidate(view, chunks.from(chunk), chunks.dimension(), trial.factor());
    boolean finite = candidates.isEmpty() || wellFormed(candidates.get(0), plan.kind(), len);
    List<Message> all = new ArrayList<>(honest);
    if (!trial.dropped()) {
      for (Message m : candidates) {
        all.add(finite ? m : new DenseMessage(m.worker(), new float[len]));
      }
    }
    all.sort(Comparator.comparingInt(Message::worker));
    int dropped = round.badUplinks().size() + round.badForged().size() + (trial.dropped() ? candidates.size() : 0);
    // a rule with state per chunk is tried from the chunk's state, which the trial leaves as it is
    ChunkStatefulRule stateful = boundState(rule, plan, round, chunk);
    int f = Math.max(0, plan.declaredByzantine() - dropped);
    Object out = stateful == null ? stateless(rule, plan, round, chunk, all, f) : round.pass() < stateful.passes()
        ? stateful.partial(round.pass(), all, f, round.decided(), state)
        : stateful.finish(all, plan.workers(), f, round.decided(), state, len).direction();
    double[] sums = out instanceof double[] partial ? partial
        : new double[] {searching.objective(view, ((Direction) out).toFloats())};
    double[] flagged = new double[sums.length + 1];
    flagged[0] = finite ? 0 : 1;
    System.arraycopy(sums, 0, flagged, 1, sums.length);
    return ChunkResult.partial(chunk, badUplinks, Set.of(), all.size(), flagged);
  }

  /**
   * The rule's output on the honest messages and candidate forgeries, as the aggregation below would compute it (a
   * malformed candidate dropped and f told one less, the same tie stream), leaving the rule untouched: a stateful
   * rule is tried on a fresh instance given a copy of its state (its resume-point state).
   */
  private static float[] trial(Aggregator rule, ServerPlan plan, Round round, int chunk, int len,
      List<Message> honest, List<Message> forged) {
    List<Message> all = new ArrayList<>(honest);
    int dropped = round.badUplinks().size();
    for (Message m : forged) {
      if (wellFormed(m, plan.kind(), len)) {
        all.add(m);
      } else {
        dropped++;
      }
    }
    all.sort(Comparator.comparingInt(Message::worker));
    Aggregator r = rule;
    if (rule.stateful()) {
      r = org.signsgd.aggregate.Rules.create(plan.rule());
      r.restoreState(rule.state());
    }
    int f = Math.max(0, plan.declaredByzantine() - dropped);
    java.util.random.RandomGenerator ties = SeedStreams.of(plan.seed(), round.iteration(), SeedStreams.DRIVER,
        SeedStreams.Purpose.TIE, chunk);
    return r.aggregate(all, new AggregationContext(plan.workers(), f, round.iteration(), ties)).toFloats();
  }

  /** Per worker, its message's sign agreements with {@code direction} (−1: no message of that worker). */
  private static long[] agreements(ServerPlan plan, List<Message> all, SignVector direction) {
    long[] out = new long[plan.workers()];
    java.util.Arrays.fill(out, -1);
    for (Message m : all) {
      out[m.worker()] = signsOf(m).agreements(direction);
    }
    return out;
  }

  private static boolean wellFormed(Message m, MessageKind kind, int len) {
    if (m == null || m.kind() != kind || m.dimension() != len) {
      return false;
    }
    return !(m instanceof DenseMessage dense) || dense.isFinite();
  }

  private static SignVector signsOf(Message m) {
    return m instanceof SignMessage s ? s.signs() : SignVector.pack(((DenseMessage) m).values(), TieRule.ZERO, null);
  }
}
