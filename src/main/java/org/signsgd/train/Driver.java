package org.signsgd.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.signsgd.aggregate.AggregationContext;
import org.signsgd.aggregate.Aggregator;
import org.signsgd.aggregate.Direction;
import org.signsgd.aggregate.MajorityVote;
import org.signsgd.aggregate.Rules;
import org.signsgd.attack.Attack;
import org.signsgd.attack.AttackView;
import org.signsgd.attack.Attacks;
import org.signsgd.attack.ByzantineSet;
import org.signsgd.attack.LabelFlip;
import org.signsgd.attack.ThreatModel;
import org.signsgd.optim.ServerMomentum;
import org.signsgd.job.JobSpec;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;
import org.signsgd.message.MessageCheck;
import org.signsgd.message.MessageKind;
import org.signsgd.message.SignMessage;
import org.signsgd.model.GradientModel;
import org.signsgd.model.Models;
import org.signsgd.optim.LearningRate;
import org.signsgd.optim.Schedules;
import org.signsgd.rng.SeedStreams;
import org.signsgd.theory.VoteFailure;
import org.signsgd.vote.SignVector;
import org.signsgd.vote.TieRule;

/**
 * The driver's half of one iteration (the workers' half is {@link WorkerStep}), independent of the engine: check the
 * replicas, validate the messages, let the attack forge the Byzantine ones from the view its threat model allows,
 * aggregate, apply the same update as the workers to the driver's own x, and return the metrics row.
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
  private long lastMomentumIteration = -1;
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
    TieRule encoding = rule instanceof MajorityVote mv ? mv.tie() : TieRule.ZERO;
    boolean atServer = spec.momentumAt().equals("server");
    this.serverMomentum = atServer && spec.momentumBeta() > 0
        ? new ServerMomentum(spec.momentumBeta(), spec.momentumDampening()) : null;
    this.plan = new WorkerPlan(spec.seed(), spec.workers(), byz, spec.batchSize(),
        atServer ? 0 : spec.momentumBeta(), atServer ? 0 : spec.momentumDampening(), spec.weightDecay(),
        spec.gradientClip(),
        spec.l2Penalty(), attack instanceof LabelFlip, spec.nesterov() ? spec.momentumBeta() : 0, lr, rule.kind(), encoding, spec.checkEvery(), attack.needsOwnVectors(),
        model.exact() ? 0 : attack.needsReference() ? 1 : spec.referenceEvery(), spec.evalEvery(),
        spec.iterations());
    if (attack instanceof LabelFlip && !model.hasClassLabels()) {
      throw new IllegalArgumentException("attack: label-flip: model " + model.name() + " has no class labels to "
          + "flip; allowed with mnist/fashion-mnist networks and logistic regression");
    }
    this.lastMomentum = new float[spec.workers()][];
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

  /** The driver's part of a resume point before iteration {@code next}. */
  ResumePoint.DriverState state(long next, Direction direction, double rate) {
    return new ResumePoint.DriverState(next, x.clone(), direction, rate,
        serverMomentum == null ? null : serverMomentum.state(), rule.state());
  }

  void restore(ResumePoint.DriverState s) {
    if (s.x().length != x.length) {
      throw new IllegalStateException("the resume point has d=" + s.x().length + "; this job's model has d="
          + x.length);
    }
    System.arraycopy(s.x(), 0, x, 0, x.length);
    if (serverMomentum != null) {
      serverMomentum.restore(s.serverMomentum());
    }
    rule.restoreState(s.ruleState()); // signSGD-FD's counts, centered clipping's centre
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
   * One driver step; the uplinks may come in any order. Sets {@link #diverged()} on a non-finite loss.
   *
   * @param honestMean for a network, the honest workers' mean gradient on the iterations
   *     {@link WorkerPlan#referenceAt} names (null otherwise); ignored for analytic models, whose reference is
   *     the exact gradient
   * @param startNanos when the engine started iteration t ({@link System#nanoTime}): iteration_ms is the wall
   *     time from there to the end of this step, worker tasks and scheduling included
   */
  public Step step(long t, List<Uplink> uplinks, float[] honestMean, long startNanos) {
    long start = startNanos;
    List<Uplink> ups = new ArrayList<>(uplinks);
    ups.sort(Comparator.comparingInt(Uplink::worker));
    checkReplicas(t, ups);
    double loss = model.exact() ? model.loss(x) : honestBatchLoss(ups);
    if (!Double.isFinite(loss)) {
      diverged = true;
      return null;
    }
    int d = model.dimension();
    float[] reference = model.exact() ? model.exactGradient(x) : honestMean;
    if (plan.referenceAt(t) && reference == null) {
      throw new IllegalStateException("iteration " + t + " needs the honest workers' mean gradient and none came");
    }
    SignVector referenceSigns = reference == null ? null : SignVector.pack(reference, TieRule.ZERO, null);

    long attackStart = System.nanoTime();
    List<Message> sent = new ArrayList<>();
    for (Uplink u : ups) {
      sent.add(u.message());
    }
    MessageCheck.Checked checked = MessageCheck.check(sent, plan.kind(), d);
    List<Message> honest = new ArrayList<>();
    List<Message> own = new ArrayList<>();
    List<float[]> ownVectors = new ArrayList<>();
    for (Message m : checked.messages()) {
      if (plan.byzantine()[m.worker()]) {
        own.add(m);
        ownVectors.add(ups.get(m.worker()).byzantineVector());
      } else {
        honest.add(m);
      }
    }
    boolean omniscient = attack.threatModel() == ThreatModel.OMNISCIENT;
    AttackView view = new AttackView(attack.threatModel(), plan.kind(), d, spec.workers(), own, ownVectors,
        omniscient ? honest : null, omniscient ? reference : null, plan.encoding(), spec.seed(), t);
    MessageCheck.Checked forged = MessageCheck.check(attack.forge(view), plan.kind(), d);
    List<Message> all = new ArrayList<>(honest);
    all.addAll(forged.messages());
    all.sort(Comparator.comparingInt(Message::worker));

    long aggStart = System.nanoTime();
    // a dense message the driver dropped as malformed was a Byzantine one: the rest hold at most f - dropped
    int dropped = plan.kind() == MessageKind.DENSE ? checked.malformed() + forged.malformed() : 0;
    Direction dir = rule.aggregate(all, new AggregationContext(spec.workers(),
        Math.max(0, spec.declaredByzantine() - dropped), t,
        SeedStreams.of(spec.seed(), t, SeedStreams.DRIVER, SeedStreams.Purpose.TIE)));
    if (serverMomentum != null) {
      dir = serverMomentum.apply(dir);
    }
    long aggEnd = System.nanoTime();
    double aggregateMs = (aggEnd - aggStart) / 1e6;

    Double agreement = null;
    Double failure = null;
    if (referenceSigns != null) {
      agreement = honestAgreement(honest, referenceSigns);
      SignVector dirSigns = dir instanceof Direction.Signs s ? s.signs()
          : SignVector.pack(dir.toFloats(), TieRule.ZERO, null);
      failure = 1 - (double) dirSigns.agreements(referenceSigns) / d;
    }
    long bytesUp = 0;
    for (Message m : all) {
      bytesUp += m.wireBytes();
    }
    if (spec.workerMetrics()) {
      workerRows(t, all, dir);
    }
    double rate = lr.at(t);
    boolean dense = plan.kind() == MessageKind.DENSE;
    Evaluated eval = evaluate(t, ups);
    Double receivedRatio = dense ? DenseMetrics.varianceNormRatio(honest) : null;
    dir.applyTo(x, rate, spec.weightDecay());

    long computeNs = 0;
    long badImages = 0;
    for (Uplink u : ups) {
      computeNs = Math.max(computeNs, u.computeNanos());
      badImages += u.badImages();
    }
    IterationRow row = new IterationRow(spec.runId(), t, rate, loss, Double.isNaN(optimum) ? null : loss - optimum,
        eval.loss, eval.accuracy, reference == null ? null : l1(reference), agreement, failure,
        agreement == null ? null : cantelli(agreement), agreement == null ? null : exactFailure(agreement),
        dense ? receivedRatio : null,
        dense ? sampledRatio(t, receivedRatio, honest) : null,
        dense ? rule.varianceBound(spec.workers(), spec.declaredByzantine()) : null,
        dense && reference != null ? DenseMetrics.cosine(dir.toFloats(), reference) : null,
        checked.malformed() + forged.malformed(), bytesUp,
        dir.wireBytes() * spec.workers(), computeNs / 1e6, aggregateMs, (System.nanoTime() - start) / 1e6,
        spec.algorithm(), spec.aggregator().name(), spec.attack().name(), spec.workers(), spec.byzantine(),
        spec.batchSize().label(), spec.seed(), d, badImages);
    if (phases != null) {
      long end = System.nanoTime();
      phases.add(Phases.Phase.ATTACK, (aggStart - attackStart) / 1e6);
      phases.add(Phases.Phase.AGGREGATE, aggregateMs);
      // from where the engine's last phase ended, so that the phases leave no gap
      phases.add(Phases.Phase.METRICS, (attackStart - phases.last() + end - aggEnd) / 1e6);
    }
    return new Step(dir, rate, row);
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
  private void workerRows(long t, List<Message> received, Direction dir) {
    SignVector direction = dir instanceof Direction.Signs s ? s.signs()
        : SignVector.pack(dir.toFloats(), TieRule.ZERO, null);
    double[] weights = rule.lastWeights();
    int d = direction.dimension();
    for (Message m : received) {
      SignVector signs = m instanceof SignMessage s ? s.signs()
          : SignVector.pack(((DenseMessage) m).values(), TieRule.ZERO, null);
      int w = m.worker();
      workerSink.accept(new WorkerRow(spec.runId(), t, w, (double) signs.agreements(direction) / d,
          weights == null ? null : weights[w], plan.byzantine()[w]));
    }
  }

  /**
   * The variance-norm ratio of the honest gradients as sampled (El Mhamdi et al. 2021's "Sampled"). Without worker
   * momentum they are what was received. With it, each g_t = (m_t − β·m_{t−1}) / (1 − δ) is recovered from the
   * worker's consecutive momentum messages (exact up to the float rounding of m_t), so no gradient travels twice;
   * null on an iteration whose predecessor this driver did not see (the first after a resume).
   */
  private Double sampledRatio(long t, Double received, List<Message> honest) {
    if (plan.beta() == 0) {
      return received;
    }
    boolean known = t == 0 || lastMomentumIteration == t - 1;
    float b = (float) plan.beta();
    double c = (float) (1 - plan.dampening());
    List<Message> sampled = new ArrayList<>(honest.size());
    for (Message m : honest) {
      float[] now = ((DenseMessage) m).values();
      float[] before = t == 0 ? null : lastMomentum[m.worker()];
      known &= t == 0 || before != null;
      if (!known) {
        break;
      }
      float[] g = new float[now.length];
      for (int i = 0; i < g.length; i++) {
        g[i] = (float) (((double) now[i] - (before == null ? 0f : b * before[i])) / c);
      }
      sampled.add(new DenseMessage(m.worker(), g));
    }
    java.util.Arrays.fill(lastMomentum, null);
    for (Message m : honest) {
      lastMomentum[m.worker()] = ((DenseMessage) m).values();
    }
    lastMomentumIteration = t;
    return known ? DenseMetrics.varianceNormRatio(sampled) : null;
  }

  /** p̂: the fraction of honest sign bits equal to the reference sign. */
  private double honestAgreement(List<Message> honest, SignVector reference) {
    if (honest.isEmpty()) {
      return Double.NaN;
    }
    long agree = 0;
    for (Message m : honest) {
      SignVector s = m.kind() == MessageKind.SIGN ? ((SignMessage) m).signs()
          : SignVector.pack(((DenseMessage) m).values(), TieRule.ZERO, null);
      agree += s.agreements(reference);
    }
    return (double) agree / ((double) honest.size() * reference.dimension());
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

  private static double l1(float[] g) {
    double s = 0;
    for (float v : g) {
      s += Math.abs(v);
    }
    return s;
  }
}
