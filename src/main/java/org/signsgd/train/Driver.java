package org.signsgd.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.signsgd.aggregate.Aggregator;
import org.signsgd.aggregate.Direction;
import org.signsgd.aggregate.Rules;
import org.signsgd.attack.Attack;
import org.signsgd.attack.Attacks;
import org.signsgd.attack.ByzantineSet;
import org.signsgd.optim.ServerMomentum;
import org.signsgd.job.JobSpec;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;
import org.signsgd.model.GradientModel;
import org.signsgd.model.Models;
import org.signsgd.optim.LearningRate;
import org.signsgd.optim.Schedules;
import org.signsgd.server.LocalChunks;
import org.signsgd.server.SampledGradient;
import org.signsgd.server.ServerPlan;
import org.signsgd.server.ServerStep;
import org.signsgd.theory.VoteFailure;
import org.signsgd.vote.SignVector;
import org.signsgd.vote.TieRule;

/**
 * The driver's half of one iteration (the workers' half is {@link WorkerStep}), independent of the engine: check the
 * replicas, take the loss and the reference, run the server step ({@link ServerStep}: validate the messages, let
 * the attack forge the Byzantine ones from the view its threat model allows, aggregate; on the driver or on the
 * shards), apply server momentum and the same update as the workers to the driver's own x, and return the metrics
 * row.
 */
public final class Driver {
  private final JobSpec spec;
  private final GradientModel model;
  private final Aggregator rule;
  private final Attack attack;
  private Phases phases;
  private final LearningRate lr;
  private final int[] byzantineIds;
  private final WorkerPlan plan;
  private final float[] x;
  private double optimum;
  private boolean diverged;
  private Runnable beforeCheckpoint = () -> { };
  private java.util.function.Consumer<WorkerRow> workerSink = r -> { };
  private final ServerMomentum serverMomentum;
  /** Each honest worker's last momentum message, and its iteration, for the sampled variance-norm ratio. */
  private final float[][] lastMomentum;
  /** The last iteration the server stepped (the sampled gradients need its predecessor's messages). */
  private long lastServed = -1;
  /** Whether every honest worker's sampled gradient could be recovered this iteration (driver path). */
  private boolean samplesKnown;
  private final ServerPlan server;
  /**
   * A chunk-stateful rule's state per chunk when the chunks run on the driver (signSGD-FD's counts); null for other
   * rules. Sharded, the shards keep it.
   */
  private final java.io.Serializable[] chunkStates;
  private Long resumeAt;

  public Driver(JobSpec spec) {
    this(spec, Models.create(spec.model(), spec.data(), spec.seed(), spec.workers()));
  }

  /** A driver over a model built elsewhere (by a caller that names data {@link Models} does not, or a test). */
  public Driver(JobSpec spec, GradientModel model) {
    this.spec = spec;
    this.model = model;
    this.rule = Rules.create(spec.aggregator());
    this.attack = Attacks.create(spec.attack());
    this.lr = Schedules.create(spec.lr());
    this.byzantineIds = ByzantineSet.draw(spec.seed(), spec.workers(), spec.byzantine());
    boolean[] byz = new boolean[spec.workers()];
    for (int w : byzantineIds) {
      byz[w] = true;
    }
    TieRule encoding = rule.encoding();
    boolean atServer = spec.momentumAt().equals("server");
    this.serverMomentum = atServer && spec.momentumBeta() > 0
        ? new ServerMomentum(spec.momentumBeta(), spec.momentumDampening()) : null;
    this.plan = WorkerPlan.of(spec, byz, lr, rule, attack, model.exact());
    if (attack.flipsLabels() && !model.hasClassLabels()) {
      throw new IllegalArgumentException("attack: label-flip: model " + model.name() + " has no class labels to "
          + "flip; allowed with mnist/fashion-mnist networks and logistic regression");
    }
    this.lastMomentum = new float[spec.workers()][];
    this.server = new ServerPlan(spec.seed(), spec.workers(), spec.declaredByzantine(), byz, rule.kind(),
        model.dimension(), spec.aggregator(), spec.attack(), encoding, !shardable(), spec.workerMetrics());
    this.chunkStates = server.whole() || rule.chunkStateful() == null ? null
        : new java.io.Serializable[server.chunks().count()];
    this.x = model.initialParameters();
    this.optimum = model.knownOptimum();
  }

  /** Sets f* for the gap column (e.g. MLlib's solution, {@link Optimum}); NaN leaves the gap null. */
  /** Runs {@code r} (the metrics flush) before each resume point is marked complete. */
  /** Where the workers/ rows go when the job sets {@code worker_metrics: true}. */
  public Driver onWorkerRows(java.util.function.Consumer<WorkerRow> sink) {
    this.workerSink = sink;
    return this;
  }

  public Driver onCheckpoint(Runnable r) {
    this.beforeCheckpoint = r;
    return this;
  }

  /** Continue at iteration {@code next} from the run's resume point ({@code train --resume}). */
  public Driver resumeAt(long next) {
    this.resumeAt = next;
    return this;
  }

  Long resumeAt() {
    return resumeAt;
  }

  void beforeCheckpoint() {
    beforeCheckpoint.run();
  }

  /**
   * A chunk-stateful rule's state in a resume point: the rule's own part and, when the chunks ran on the driver,
   * every chunk's; {@code sharded} says where the chunks' parts are (the shards wrote them beside the workers).
   */
  record ChunkedRuleState(java.io.Serializable rule, java.io.Serializable[] chunks, boolean sharded)
      implements java.io.Serializable {}

  /** The driver's part of a resume point before iteration {@code next}, the server's work on the driver. */
  ResumePoint.DriverState state(long next, Direction direction, double rate) {
    return state(next, direction, rate, false);
  }

  void restore(ResumePoint.DriverState s) {
    restore(s, false);
  }

  /** The driver's part of a resume point before iteration {@code next}; {@code sharded}: where the server ran. */
  ResumePoint.DriverState state(long next, Direction direction, double rate, boolean sharded) {
    java.io.Serializable ruleState = chunkStates == null ? rule.state()
        : new ChunkedRuleState(rule.state(), sharded ? null : chunkStates.clone(), sharded);
    return new ResumePoint.DriverState(next, x.clone(), direction, rate,
        serverMomentum == null ? null : serverMomentum.state(), ruleState, model.dataFingerprint());
  }

  /**
   * Refuses a resume point over other data than this model reads (an image folder's listing changed since it was
   * written); a point that kept none passes.
   */
  void checkData(ResumePoint.DriverState s) {
    String data = model.dataFingerprint();
    if (s.data() != null && !s.data().equals(data)) {
      // the settings are the run's (its id), but a folder's images are not in them: over other images the rest
      // of the run would silently differ from the run it continues
      Object dir = spec.data().params().get("dir");
      throw new IllegalArgumentException("--resume: the data of " + spec.runId() + " changed since its resume "
          + "point before iteration " + s.next() + ": it read " + s.data() + "; " + spec.data().name()
          + (dir == null ? "" : " " + org.signsgd.spec.Echo.of(dir)) + " now has " + data + "; resume over the "
          + "images it started with, or run the job again without --resume (the run starts over from iteration 0)");
    }
  }

  void restore(ResumePoint.DriverState s, boolean sharded) {
    checkData(s);
    if (s.x().length != x.length) {
      throw new IllegalStateException("the resume point has d=" + s.x().length + "; this job's model has d="
          + x.length);
    }
    System.arraycopy(s.x(), 0, x, 0, x.length);
    if (serverMomentum != null) {
      serverMomentum.restore(s.serverMomentum());
    }
    if (chunkStates != null && s.ruleState() != null) { // null: the rule starts fresh
      if (!(s.ruleState() instanceof ChunkedRuleState)) { // the whole-vector state of an earlier version's run
        throw new IllegalArgumentException("--resume: the resume point of " + spec.runId() + " keeps "
            + rule.name() + "'s state of whole vectors, as an earlier version wrote it; this version keeps it chunk "
            + "by chunk: start the run again with --force");
      }
      if (!(s.ruleState() instanceof ChunkedRuleState c) || c.sharded() != sharded) {
        throw new IllegalArgumentException("--resume: the resume point of " + spec.runId() + " keeps "
            + rule.name() + "'s counts " + (sharded ? "on the driver" : "in the shards") + "; resume with "
            + "aggregation: " + (sharded ? "driver" : "sharded") + ", as the run was started");
      }
      rule.restoreState(c.rule());
      if (!sharded) {
        System.arraycopy(c.chunks(), 0, chunkStates, 0, chunkStates.length);
      }
    } else {
      rule.restoreState(s.ruleState()); // signSGD-FD's counts, centered clipping's centre
    }
  }

  /** Records where each iteration's time goes into {@code p} (the benchmark); null stops recording. */
  public Driver recordPhases(Phases p) {
    this.phases = p;
    return this;
  }

  Phases phases() {
    return phases;
  }

  public Driver withOptimum(double fStar) {
    this.optimum = fStar;
    return this;
  }

  public double optimum() {
    return optimum;
  }

  public GradientModel model() {
    return model;
  }

  public WorkerPlan plan() {
    return plan;
  }

  public JobSpec spec() {
    return spec;
  }

  public int[] byzantineIds() {
    return byzantineIds.clone();
  }

  public boolean diverged() {
    return diverged;
  }

  /** The initial worker states (every replica starts at x₀, momentum 0). */
  public List<WorkerState> initialStates() {
    List<WorkerState> states = new ArrayList<>();
    for (int w = 0; w < spec.workers(); w++) {
      states.add(new WorkerState(w, model.initialParameters(), new float[model.dimension()]));
    }
    return states;
  }

  public double learningRate(long t) {
    return lr.at(t);
  }

  /**
   * One driver step with the server's work on the driver ({@code aggregation: driver}); the uplinks may come in
   * any order. Sets {@link #diverged()} on a non-finite loss.
   *
   * @param honestMean for a network, the honest workers' mean gradient on the iterations
   *     {@link WorkerPlan#referenceAt} names (null otherwise); ignored for analytic models, whose reference is
   *     the exact gradient
   * @param startNanos when the engine started iteration t ({@link System#nanoTime}): iteration_ms is the wall
   *     time from there to the end of this step, worker tasks and scheduling included
   */
  public Step step(long t, List<Uplink> uplinks, float[] honestMean, long startNanos) {
    return step(t, uplinks, honestMean, startNanos, null);
  }

  /**
   * One iteration's driver side, as the pipeline it is: the workers' uplinks in, then the server step (attack,
   * rule, server momentum and the metrics' partial sums; on the driver, or on the shards when {@code sharded} is
   * given), the update of x, and the metrics row.
   *
   * @param sharded where the messages' chunks are ({@code aggregation: sharded}); null: in the uplinks
   */
  public Step step(long t, List<Uplink> uplinks, float[] honestMean, long startNanos, ShardedServer sharded) {
    List<Uplink> ups = new ArrayList<>(uplinks);
    ups.sort(Comparator.comparingInt(Uplink::worker));
    checkReplicas(t, ups);
    double loss = model.exact() ? model.loss(x) : honestBatchLoss(ups);
    if (!Double.isFinite(loss)) {
      diverged = true;
      return null;
    }
    // an attack keeps its own copy of the exact gradient; the metrics below only read it
    float[] reference = !model.exact() ? honestMean
        : attack.needsReference() ? model.exactGradient(x) : model.exactGradientToRead(x);
    if (plan.referenceAt(t) && reference == null) {
      throw new IllegalStateException("iteration " + t + " needs the honest workers' mean gradient and none came");
    }
    SignVector referenceSigns = reference == null ? null : SignVector.pack(reference, TieRule.ZERO, null);
    Double referenceL1 = reference == null ? null : l1(reference);
    float[] attackReference = attack.needsReference() ? reference : null;
    boolean remade = model.exact() && attackReference == null;
    if (remade) {
      // an analytic model's exact gradient is read again for the cosine below (the toy's is x itself) rather than
      // held through the server step, where at a large d it would be one more d-vector beside x and the direction
      reference = null;
    }

    long serverStart = System.nanoTime();
    boolean sampled = plan.kind() == MessageKind.DENSE && plan.beta() > 0
        && (t == 0 || lastServed == t - 1);
    ServerStep.ChunkRunner runner = sharded != null ? sharded.runner(attackReference, referenceSigns)
        : local(t, ups, sampled, attackReference, referenceSigns);
    ServerStep.Served served = ServerStep.serve(server, rule, attack, t, sampled && (sharded != null || samplesKnown),
        referenceSigns != null, runner, serverMomentum == null ? null : serverMomentum::apply);
    lastServed = t;
    Direction dir = served.direction();
    double serverMs = (System.nanoTime() - serverStart) / 1e6;

    double rate = lr.at(t);
    Evaluated eval = evaluate(t, ups);
    Double cosine = null;
    if (plan.kind() == MessageKind.DENSE && referenceSigns != null) {
      cosine = DenseMetrics.cosine(floats(dir), remade ? model.exactGradientToRead(x) : reference);
    }
    reference = null;
    dir.applyTo(x, rate, spec.weightDecay());
    if (spec.workerMetrics()) {
      workerRows(t, served, ups);
    }
    IterationRow row = row(t, ups, loss, referenceL1, cosine, referenceSigns, served, dir, rate, eval, serverMs,
        startNanos);
    if (phases != null) {
      long end = System.nanoTime();
      phases.add(Phases.Phase.AGGREGATE, serverMs);
      phases.serverWork(sharded != null ? serverMs - sharded.movingMs() : serverMs);
      // from where the engine's last phase ended, so that the phases leave no gap
      phases.add(Phases.Phase.METRICS, (serverStart - phases.last()) / 1e6 + (end - serverStart) / 1e6 - serverMs);
    }
    return new Step(dir, rate, row);
  }

  /**
   * The server's chunks on the driver, from the messages in the uplinks; with worker momentum on dense messages,
   * each honest worker's sampled gradient recovered from its last two messages (none after a resume).
   */
  private ServerStep.ChunkRunner local(long t, List<Uplink> ups, boolean sampled, float[] attackReference,
      SignVector referenceSigns) {
    int q = spec.workers();
    List<Message> messages = new ArrayList<>(java.util.Collections.nCopies(q, (Message) null));
    float[][] own = new float[q][];
    for (Uplink u : ups) {
      messages.set(u.worker(), u.message());
      own[u.worker()] = u.byzantineVector();
    }
    float[][] gradients = new float[q][];
    samplesKnown = false;
    if (sampled) {
      samplesKnown = true;
      for (Uplink u : ups) {
        if (plan.byzantine()[u.worker()]) {
          continue;
        }
        float[] before = lastMomentum[u.worker()];
        if (u.message() instanceof DenseMessage m && (t == 0 || before != null)) {
          gradients[u.worker()] = SampledGradient.recover(m.values(), before, plan.beta(), plan.dampening());
        }
      }
      java.util.Arrays.fill(lastMomentum, null);
    }
    if (plan.kind() == MessageKind.DENSE && plan.beta() > 0) {
      for (Uplink u : ups) {
        if (!plan.byzantine()[u.worker()] && u.message() instanceof DenseMessage m
            && m.dimension() == model.dimension() && m.isFinite()) {
          lastMomentum[u.worker()] = m.values();
        }
      }
    }
    return new LocalChunks(rule, attack, server, messages, own, gradients, attackReference, referenceSigns,
        chunkStates);
  }

  /** The iterations/ row of iteration t. */
  private IterationRow row(long t, List<Uplink> ups, double loss, Double referenceL1, Double cosine,
      SignVector referenceSigns, ServerStep.Served served, Direction dir, double rate, Evaluated eval,
      double serverMs, long startNanos) {
    int d = model.dimension();
    boolean dense = plan.kind() == MessageKind.DENSE;
    Double agreement = served.honestAgreement();
    Double failure = null;
    if (referenceSigns != null) {
      SignVector dirSigns = dir instanceof Direction.Signs s ? s.signs()
          : SignVector.pack(floats(dir), TieRule.ZERO, null);
      failure = 1 - (double) dirSigns.agreements(referenceSigns) / d;
    }
    long computeNs = 0;
    long badImages = 0;
    for (Uplink u : ups) {
      computeNs = Math.max(computeNs, u.computeNanos());
      badImages += u.badImages();
    }
    org.signsgd.attack.AttackSearch search = attack.lastSearch();
    return new IterationRow(spec.runId(), t, rate, loss, Double.isNaN(optimum) ? null : loss - optimum,
        eval.loss, eval.accuracy, referenceL1, agreement, failure,
        agreement == null ? null : cantelli(agreement), agreement == null ? null : exactFailure(agreement),
        dense ? served.receivedRatio() : null,
        dense ? plan.beta() == 0 ? served.receivedRatio() : served.sampledRatio() : null,
        dense ? rule.varianceBound(spec.workers(), spec.declaredByzantine()) : null,
        cosine,
        served.malformed(), served.bytesUp(),
        dir.wireBytes() * spec.workers(), computeNs / 1e6, serverMs, (System.nanoTime() - startNanos) / 1e6,
        spec.algorithm(), spec.aggregator().name(), spec.attack().name(), spec.workers(), spec.byzantine(),
        spec.batchSize().label(), spec.seed(), d, badImages, search == null ? null : search.factor(),
        search == null ? null : search.evaluations());
  }

  /** What a step returns: the direction and η_t for the downlink, and the metrics row. */
  public record Step(Direction direction, double lr, IterationRow row) {}

  private record Evaluated(Double loss, Double accuracy) {}

  /** The test metrics of x_t: from the workers' slices when they sent them (networks), else on the driver. */
  private Evaluated evaluate(long t, List<Uplink> ups) {
    if (!plan.evalAt(t)) {
      return new Evaluated(null, null);
    }
    GradientModel.Evaluation e;
    if (ups.get(0).test() != null) {
      GradientModel.TestSums sums = ups.get(0).test();
      for (Uplink u : ups.subList(1, ups.size())) {
        sums = sums.plus(u.test());
      }
      e = sums.evaluation();
    } else {
      e = model.evaluate(x);
    }
    return new Evaluated(Double.isNaN(e.loss()) ? null : e.loss(), Double.isNaN(e.accuracy()) ? null
        : e.accuracy());
  }

  /** A network's train loss: the honest workers' mean minibatch loss, summed in worker order. */
  private double honestBatchLoss(List<Uplink> ups) {
    double sum = 0;
    int n = 0;
    for (Uplink u : ups) {
      if (!plan.byzantine()[u.worker()]) {
        sum += u.batchLoss();
        n++;
      }
    }
    return sum / n;
  }

  private void checkReplicas(long t, List<Uplink> ups) {
    long mine = WorkerStep.checksum(x);
    for (Uplink u : ups) {
      if (u.checked() && u.checksum() != mine) {
        throw new IllegalStateException("the replica of worker " + u.worker() + " differs from the driver's "
            + "parameters at iteration " + t + "; the run is not deterministic and stops here");
      }
    }
  }

  /** workers/ rows ({@link WorkerRow}): each received message's sign agreement with the direction, and its weight. */
  private void workerRows(long t, ServerStep.Served served, List<Uplink> ups) {
    long[] agree = served.workerAgreement();
    double[] weights = served.weights();
    String[] devices = new String[agree.length];
    for (Uplink u : ups) {
      devices[u.worker()] = u.device();
    }
    for (int w = 0; w < agree.length; w++) {
      if (agree[w] >= 0) {
        workerSink.accept(new WorkerRow(spec.runId(), t, w, (double) agree[w] / model.dimension(),
            weights == null ? null : weights[w], plan.byzantine()[w], devices[w]));
      }
    }
  }

  /** True when the rule and the attack run chunk by chunk ({@link org.signsgd.job.AutoAggregation#shardable}). */
  public boolean shardable() {
    return org.signsgd.job.AutoAggregation.shardable(rule, attack);
  }

  /** True when sharding pays for itself at a large d ({@link org.signsgd.job.AutoAggregation#pays}). */
  public boolean shardingPays() {
    return org.signsgd.job.AutoAggregation.pays(rule, attack);
  }

  /** What the server's chunks need to know about the run. */
  public ServerPlan serverPlan() {
    return server;
  }

  private Double cantelli(double p) {
    int h = spec.workers() - spec.byzantine();
    if (!(p > 0 && p <= 1) || h * p <= spec.workers() / 2.0) {
      return null;
    }
    return VoteFailure.cantelli(spec.workers(), spec.byzantine(), p);
  }

  private Double exactFailure(double p) {
    return p >= 0 && p <= 1 ? VoteFailure.exactWithTies(spec.workers(), spec.byzantine(), p) : null;
  }

  /** The direction's values for a metric that only reads them: a dense direction's own array, not a copy. */
  private static float[] floats(Direction dir) {
    return dir instanceof Direction.Dense dense ? dense.values() : dir.toFloats();
  }

  private static double l1(float[] g) {
    double s = 0;
    for (float v : g) {
      s += Math.abs(v);
    }
    return s;
  }
}
