package org.signsgd.train;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.signsgd.model.GradientModel;
import org.signsgd.server.ServerPlan;

/**
 * One run on the {@link SparkEngine}: what it broadcast once (the model, the plans, a network's x₀), the persisted
 * worker states, the last checkpointed state, the downlink in flight and the resume points; each iteration's worker stage, server
 * step and downlink. Closing it releases everything it persisted or broadcast.
 */
final class SparkRun implements AutoCloseable {
  private final JavaSparkContext jsc;
  private final Driver driver;
  private final boolean sharded;
  private final int shards;
  private final Broadcast<GradientModel> model;
  private final Broadcast<WorkerPlan> plan;
  private final Broadcast<ServerPlan> serverPlan;
  private final Broadcast<float[]> x0;
  private final String checkpointDir;
  private final ResumePoint point;
  private final long first;
  private JavaRDD<WorkerSlot> slots;
  /**
   * The last locally checkpointed state: its blocks are the checkpoint that later states recompute from, so it stays
   * persisted until the next checkpoint has been materialised.
   */
  private JavaRDD<WorkerSlot> anchor;
  private SparkEngine.DownlinkRef down;
  private Driver.Step last;
  /** Sharded with a chunk-stateful rule (signSGD-FD): each chunk's state, partitioned as the shards hold it. */
  private org.apache.spark.api.java.JavaPairRDD<Integer, java.io.Serializable> states;
  /** The last states a cut materialised and checkpointed: later states recompute from them, so they stay. */
  private org.apache.spark.api.java.JavaPairRDD<Integer, java.io.Serializable> statesAnchor;
  /** The shuffles since that cut, which the states' lineage reads until the next cut. */
  private final List<org.apache.spark.rdd.RDD<?>> shuffles = new java.util.ArrayList<>();
  /** The persisted round those states are read from, until a cut materialises them on their own. */
  private org.apache.spark.api.java.JavaPairRDD<Integer, ShardedChunks.Timed> statesFrom;
  /** The iteration the run's latest resume point continues at (a resume starts at one). */
  private long saved;
  /** Whether the workers stay in their tasks between checkpoints ({@code resident_workers}). */
  private boolean residentWorkers;
  /** Whether {@link #residentWorkers} was auto's choice: a stretch that cannot start then falls back to the jobs. */
  private boolean residentByAuto;
  /** Whether the iterations run as one job each until the next cut (stretches kept yielding to other jobs). */
  private boolean perIterationUntilCut;
  /** The stretch of iterations the resident workers are in, else null. */
  private ResidentWorkers resident;

  /** The worker stage of one iteration: the next states, what came back, and the honest mean when one was due. */
  record WorkerStage(JavaRDD<WorkerSlot> next, List<Uplink> uplinks, float[] reference, boolean cut) {}

  SparkRun(JavaSparkContext jsc, SparkEngine engine, Driver driver) {
    this.jsc = jsc;
    this.driver = driver;
    this.checkpointDir = driver.spec().checkpointDir();
    if (checkpointDir != null) {
      jsc.setCheckpointDir(checkpointDir);
    }
    this.point = checkpointDir == null ? null : new ResumePoint(jsc, checkpointDir, driver.spec().runId());
    ResumePoint.DriverState resumed = driver.resumeAt() != null && point != null
        ? readDriverState(point, driver.resumeAt()) : null;
    this.sharded = resumed != null && "auto".equals(driver.spec().aggregation())
        && resumed.ruleState() instanceof Driver.ChunkedRuleState kept
        ? kept.sharded() // a rule's counts resume where the run kept them (auto's choice may have changed since)
        : engine.sharded(driver);
    this.shards = driver.spec().aggregationShards() > 0 ? driver.spec().aggregationShards()
        : ShardedChunks.defaultShards(jsc.defaultParallelism(), driver.serverPlan().chunks(),
            driver.serverPlan().kind());
    this.model = jsc.broadcast(driver.model());
    this.plan = jsc.broadcast(sharded ? driver.plan().withSampledGradients() : driver.plan());
    this.serverPlan = sharded ? jsc.broadcast(driver.serverPlan()) : null;
    // a network's x₀ is broadcast once (the model's own array: the driver's heap keeps no third copy of it beside
    // the model's and x); the partitions hold only worker ids, so no task carries the parameters. An analytic
    // model's x₀ is cheap and made from the seed, so every worker makes its own and the driver keeps no copy of it
    this.x0 = driver.model().exact() ? null : jsc.broadcast(driver.model().sharedInitialParameters());
    if (driver.resumeAt() != null) {
      if (point == null) {
        throw new IllegalArgumentException("--resume needs the job's checkpoint_dir, where the run wrote its "
            + "resume points");
      }
      first = driver.resumeAt();
      driver.restore(resumed, sharded);
      // as many partitions as the run began with (the saved files may be read back in more splits); which workers
      // share a task does not change the rows, the driver orders the uplinks by worker
      JavaRDD<WorkerState> restored = point.workers(first);
      int partitions = engine.partitions(driver.spec().workers(), driver.spec().workersPerPartition());
      JavaRDD<WorkerState> grouped = restored.getNumPartitions() > partitions ? restored.coalesce(partitions)
          : restored;
      slots = grouped.map(WorkerSlot::of).persist(StorageLevel.MEMORY_AND_DISK());
      if (chunkStateful()) {
        states = point.chunks(first).partitionBy(ShardedChunks.partitioner(shards))
            .persist(StorageLevel.MEMORY_AND_DISK());
      }
      down = engine.ship(new Downlink(first, resumed.direction(), resumed.lr()));
    } else {
      first = 0;
      List<Integer> ids = java.util.stream.IntStream.range(0, driver.spec().workers()).boxed().toList();
      Broadcast<float[]> start = x0;
      Broadcast<GradientModel> m = model;
      slots = jsc.parallelize(ids, engine.partitions(driver.spec().workers(), driver.spec().workersPerPartition()))
          .map(w -> {
            float[] x = start == null ? m.value().initialParameters() : start.value().clone();
            return WorkerSlot.of(new WorkerState(w, x, new float[x.length]));
          })
          .persist(StorageLevel.MEMORY_AND_DISK());
      down = engine.ship(new Downlink(0, null, 0));
      if (chunkStateful()) {
        List<scala.Tuple2<Integer, java.io.Serializable>> none = new java.util.ArrayList<>();
        for (int c = 0; c < driver.serverPlan().chunks().count(); c++) {
          none.add(new scala.Tuple2<>(c, null));
        }
        states = jsc.parallelizePairs(none, shards).partitionBy(ShardedChunks.partitioner(shards))
            .persist(StorageLevel.MEMORY_AND_DISK());
      }
    }
    saved = first;
    this.residentWorkers = switch (driver.spec().residentWorkers()) {
      case "true" -> {
        checkResident();
        yield true;
      }
      case "false" -> false;
      default -> autoResident(jsc.isLocal(), sharded, slots.getNumPartitions(), jsc.defaultParallelism(),
          driver.spec().workers(), driver.model().dimension());
    };
    this.residentByAuto = residentWorkers && !"true".equals(driver.spec().residentWorkers());
  }

  /**
   * {@code resident_workers: auto}'s choice: resident on a local master (every task on this machine, where the
   * per-iteration job's scheduling is most of a small model's iteration) when the server's work stays on the driver,
   * every partition has a core, d ≤ 2^20 and the states that reach the driver at each stretch's end (x and momentum
   * of every worker) fit in {@link #RESIDENT_MAX_STATE_FLOATS}; on a cluster, one job per iteration (Spark then reruns
   * a lost task).
   */
  static boolean autoResident(boolean localMaster, boolean sharded, int partitions, int cores, int workers,
      int dimension) {
    return localMaster && !sharded && partitions <= cores && residentFits(workers, dimension);
  }

  /** Whether resident workers take a run of this size: d ≤ 2^20, and 2 × workers × d floats of state. */
  static boolean residentFits(long workers, long dimension) {
    return dimension <= RESIDENT_MAX_DIMENSION && 2L * workers * dimension <= RESIDENT_MAX_STATE_FLOATS;
  }

  /** resident_workers: the tasks must all run at once, and the driver receives the states at every stretch's end. */
  private void checkResident() {
    if (sharded) {
      throw new IllegalArgumentException("resident_workers: true needs the server's work on the driver, but this run "
          + "shards it (aggregation: sharded, or auto resuming a point that keeps the rule's counts in the shards); set "
          + "resident_workers: auto");
    }
    int partitions = slots.getNumPartitions();
    if (partitions > jsc.defaultParallelism()) {
      throw new IllegalArgumentException("resident_workers: true runs every partition's task at once, but the run "
          + "has " + partitions + " partitions and " + jsc.defaultParallelism() + " cores; set workers_per_partition "
          + "to " + (driver.spec().workers() + jsc.defaultParallelism() - 1) / jsc.defaultParallelism()
          + " or more, or resident_workers: false");
    }
    if (driver.model().dimension() > RESIDENT_MAX_DIMENSION) {
      throw new IllegalArgumentException("resident_workers: true brings every worker's x and momentum to the driver "
          + "at each checkpoint; d = " + driver.model().dimension() + " is above its limit of "
          + RESIDENT_MAX_DIMENSION + " (2^20); set resident_workers: false");
    }
    long floats = 2L * driver.spec().workers() * driver.model().dimension();
    if (floats > RESIDENT_MAX_STATE_FLOATS) {
      throw new IllegalArgumentException("resident_workers: true brings every worker's x and momentum to the driver "
          + "at each checkpoint; 2 × " + driver.spec().workers() + " workers × d (" + driver.model().dimension()
          + ") = " + floats + " floats, above the limit of " + RESIDENT_MAX_STATE_FLOATS + " (2^26, 256 MB); set "
          + "resident_workers: false");
    }
  }

  /** The largest d resident workers take (their states pass through the driver at each stretch's end). */
  static final int RESIDENT_MAX_DIMENSION = 1 << 20;
  /** The most floats of worker state (2 × workers × d) resident workers bring to the driver at a stretch's end. */
  static final long RESIDENT_MAX_STATE_FLOATS = 1L << 26;

  /** Whether the shards keep a chunk-stateful rule's state (signSGD-FD sharded). */
  private boolean chunkStateful() {
    return sharded && !driver.serverPlan().whole() && driver.serverPlan() != null
        && org.signsgd.aggregate.Rules.create(driver.spec().aggregator()).chunkStateful() != null;
  }

  long first() {
    return first;
  }

  /**
   * Every worker's step from the downlink in flight: the next states (persisted, and checkpointed at a cut), the
   * uplinks (without their vectors when the server's work is sharded: those stay on the executors), and on the
   * reference iterations of a network the honest workers' mean gradient ({@code treeAggregate}).
   */
  WorkerStage workers(long t, long start, Phases phases) {
    if (residentWorkers && !perIterationUntilCut && !driver.plan().referenceAt(t)) {
      WorkerStage stage = residentWorkers(t, start, phases);
      if (stage != null) {
        return stage;
      }
    }
    endStretch(false); // a reference iteration sums the honest gradients in Spark: the per-iteration job runs it
    SparkEngine.DownlinkRef current = down;
    Broadcast<GradientModel> m = model;
    Broadcast<WorkerPlan> p = plan;
    // the task's thread is bound to its GPU before the model is read: nothing of ND4J runs before
    // the task's workers update their equal replicas once, and share the result (ReplicaUpdate)
    JavaRDD<WorkerSlot> next = SparkJobs.mapEach(slots, partition -> {
      String device = DeviceBinding.bind(p.value().gpu());
      ReplicaUpdate replicas = new ReplicaUpdate(current.get(), p.value().weightDecay());
      return slot -> WorkerStep.step(m.value(), p.value(), slot.state(), device, replicas);
    });
    next.persist(StorageLevel.MEMORY_AND_DISK());
    boolean cut = (t + 1) % driver.spec().checkpointEvery() == 0;
    if (cut) {
      perIterationUntilCut = false;
    }
    if (cut && checkpointDir != null) {
      next.rdd().checkpoint(); // reliable: written after the collect below, read back after an executor loss
    } else if (cut) {
      next.rdd().localCheckpoint();
    }
    List<Uplink> ups = SparkJobs.collect(sharded ? SparkJobs.map(next, s -> s.uplink().withoutVectors())
        : SparkJobs.map(next, WorkerSlot::uplink));
    long collected = System.nanoTime();
    float[] reference = driver.plan().referenceAt(t) ? next.filter(s -> s.gradient() != null)
        .treeAggregate(new HonestMean(), (h, s) -> h.add(s.gradient()), HonestMean::merge).mean() : null;
    if (phases != null) {
      phases.stage(start, collected, ups);
      phases.until(Phases.Phase.HONEST_MEAN);
    }
    if (slots != anchor) {
      slots.unpersist(false);
    }
    if (cut) {
      if (anchor != null) {
        anchor.unpersist(false);
      }
      anchor = next;
    }
    current.unpersist(false);
    slots = next;
    if (phases != null) {
      phases.until(Phases.Phase.BROADCAST);
    }
    return new WorkerStage(next, ups, reference, cut);
  }

  /**
   * The resident workers' step ({@link ResidentWorkers}): the downlink to the stretch's tasks (started at its first
   * iteration) and their uplinks back; at a cut the stretch ends, and its states become the state RDD that is
   * checkpointed and saved, as the per-iteration job's would be. Null when this iteration takes the per-iteration
   * job instead: two new stretches gave their cores away before their first step (other jobs keep starting; the
   * per-iteration jobs then run until the next cut), or, under auto, a stretch could not start (then for the rest of
   * the run).
   */
  private WorkerStage residentWorkers(long t, long start, Phases phases) {
    SparkEngine.DownlinkRef current = down;
    List<Uplink> ups = null;
    int fresh = 0;
    while (ups == null) {
      if (resident == null) {
        if (fresh == 2) {
          perIterationUntilCut = true;
          return null;
        }
        fresh++;
        int wait = residentByAuto ? ResidentWorkers.autoConnectTimeoutMs(jsc) : ResidentWorkers.CONNECT_TIMEOUT_MS;
        try {
          resident = new ResidentWorkers(jsc, slots, model, plan, wait);
        } catch (RuntimeException e) {
          if (!residentByAuto) {
            throw e;
          }
          residentWorkers = false;
          System.err.println((System.console() != null ? "\n" : "") + "resident_workers: auto: the worker tasks "
              + "could not all start at once, or could not reach the driver; the run goes on with one Spark job per "
              + "iteration (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
                  .replaceFirst("^resident_workers: ", "") + ")");
          return null;
        }
      }
      ups = resident.step(current.get());
      if (ups == null) {
        endStretch(false); // it gave its cores to another job (a flush of the metrics): a new stretch goes on
      }
    }
    long collected = System.nanoTime();
    if (phases != null) {
      phases.stage(start, collected, ups);
      phases.until(Phases.Phase.HONEST_MEAN);
    }
    boolean cut = (t + 1) % driver.spec().checkpointEvery() == 0;
    if (cut) {
      endStretch(true);
    }
    current.unpersist(false);
    if (phases != null) {
      phases.until(Phases.Phase.BROADCAST);
    }
    return new WorkerStage(cut ? slots : null, ups, null, cut);
  }

  /**
   * Ends the resident workers' stretch, if one runs: their states become the state RDD (as many partitions as before:
   * each task's workers, in order, make one partition again), checkpointed at a cut as the per-iteration job's
   * states are.
   */
  private void endStretch(boolean cut) {
    if (resident == null) {
      return;
    }
    if (!resident.stepped()) {
      // it yielded before its first iteration: the states are still those of the state RDD
      try {
        resident.drop();
      } finally {
        resident = null;
      }
      return;
    }
    List<WorkerSlot> states;
    try {
      states = resident.end();
    } finally {
      resident = null;
    }
    JavaRDD<WorkerSlot> next = jsc.parallelize(states, slots.getNumPartitions())
        .persist(StorageLevel.MEMORY_AND_DISK());
    // on a local master checkpointed even between cuts (locally): a parallelized RDD's partitions carry its data,
    // which every later task would otherwise carry again. On a cluster a local checkpoint would be lost with its
    // executor, so between cuts the data stays in the partitions, from which Spark can recompute a lost task
    boolean anchored = cut || jsc.isLocal();
    if (cut && checkpointDir != null) {
      next.rdd().checkpoint();
    } else if (anchored) {
      next.rdd().localCheckpoint();
    }
    next.count();
    if (slots != anchor) {
      slots.unpersist(false);
    }
    if (anchored) {
      if (anchor != null) {
        anchor.unpersist(false);
      }
      anchor = next;
    }
    slots = next;
  }

  /** The driver's step: the server's work on the driver, or on the shards of this iteration's messages. */
  Driver.Step server(long t, WorkerStage stage, long start) {
    // the workers have read direction_{t−1}: holding it through this step would be one more d-vector on the
    // driver's heap; a stop before t + 1 saves the step this one returns
    last = null;
    ShardedChunks chunks = sharded ? new ShardedChunks(jsc, stage.next(), serverPlan, shards, states) : null;
    try {
      Driver.Step step = driver.step(t, stage.uplinks(), stage.reference(), start, chunks);
      if (states != null && step != null) {
        shuffles.add(chunks.grouped().rdd());
        nextStates(chunks.finished(), stage.cut());
      }
      return step;
    } finally {
      if (chunks != null) {
        chunks.release();
      }
    }
  }

  /**
   * The chunk states after this iteration, read from the round that made them; at a cut they are materialised on
   * their own and checkpointed with the workers (reliably into checkpoint_dir, or locally), cutting their lineage.
   */
  private void nextStates(org.apache.spark.api.java.JavaPairRDD<Integer, ShardedChunks.Timed> made, boolean cut) {
    if (made == null) {
      throw new IllegalStateException("the sharded rule's chunks finished no round");
    }
    org.apache.spark.api.java.JavaPairRDD<Integer, java.io.Serializable> before = states;
    org.apache.spark.api.java.JavaPairRDD<Integer, ShardedChunks.Timed> from = statesFrom;
    states = SparkJobs.mapValues(made, d -> d.result().state());
    statesFrom = made;
    if (cut) {
      states.persist(StorageLevel.MEMORY_AND_DISK());
      if (checkpointDir != null) {
        states.rdd().checkpoint();
      } else {
        states.rdd().localCheckpoint();
      }
      states.count();
      statesFrom.unpersist(false);
      statesFrom = null;
      // the new checkpoint holds everything later states need: the old one and the shuffles since can go
      if (statesAnchor != null && statesAnchor != before) {
        statesAnchor.unpersist(false);
      }
      statesAnchor = states;
      for (org.apache.spark.rdd.RDD<?> r : shuffles) {
        ShardedChunks.removeShuffle(jsc, r);
      }
      shuffles.clear();
    }
    if (before != statesAnchor) {
      before.unpersist(false);
    }
    if (from != null) {
      from.unpersist(false);
    }
  }

  /** Ships the next downlink; at a cut, saves a resume point before iteration t + 1 (the rows flushed first). */
  void downlink(long t, WorkerStage stage, Driver.Step step, SparkEngine engine, Phases phases) {
    last = step;
    long shipStart = System.nanoTime();
    down = engine.ship(new Downlink(t + 1, step.direction(), step.lr()));
    if (phases != null) {
      phases.add(Phases.Phase.BROADCAST, (System.nanoTime() - shipStart) / 1e6);
    }
    if (stage.cut() && point != null && t + 1 < driver.spec().iterations()) {
      driver.beforeCheckpoint();
      point.save(stage.next(), driver.state(t + 1, step.direction(), step.lr(), sharded), states);
      saved = t + 1;
    }
  }

  /** A stop before iteration t: a resume point there, so that --resume loses no iteration (rows flushed first). */
  void stopBefore(long t) {
    endStretch(false);
    if (point != null && last != null && saved != t) {
      driver.beforeCheckpoint();
      point.save(slots, driver.state(t, last.direction(), last.lr(), sharded), states);
    }
  }

  /**
   * Closing with a resident stretch running: its tasks, waiting for the next downlink, are told to end without
   * returning their states (a run that completed or diverged); a stretch caught mid-iteration (a failure) has its job
   * cancelled.
   */
  @Override
  public void close() {
    if (resident != null) {
      try {
        if (resident.idle()) {
          resident.drop();
        }
      } catch (RuntimeException e) {
        // the run is ending anyway; its own error, if any, is the one reported
      } finally {
        resident.close();
        resident = null;
      }
    }
    slots.unpersist(false);
    if (anchor != null && anchor != slots) {
      anchor.unpersist(false);
    }
    down.unpersist(false);
    model.unpersist(false);
    plan.unpersist(false);
    if (serverPlan != null) {
      serverPlan.unpersist(false);
    }
    if (x0 != null) {
      x0.unpersist(false);
    }
    if (states != null) {
      states.unpersist(false);
    }
    if (statesAnchor != null) {
      statesAnchor.unpersist(false);
    }
    if (statesFrom != null) {
      statesFrom.unpersist(false);
    }
  }

  private static ResumePoint.DriverState readDriverState(ResumePoint point, long next) {
    try {
      return point.driverState(next);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("--resume: cannot read the driver state of iteration " + next + " in "
          + point.location() + ": " + e.getMessage(), e);
    }
  }
}
