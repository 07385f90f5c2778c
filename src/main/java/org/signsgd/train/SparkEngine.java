package org.signsgd.train;

import java.io.Serializable;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.signsgd.model.GradientModel;
import org.signsgd.server.ServerPlan;

/**
 * Spark partitions are the workers. The worker states live in a persisted RDD with one worker
 * per partition, or {@code workers_per_partition} workers run in turn by one task; each iteration broadcasts
 * only the downlink (direction_{t−1}, η_{t−1}), maps every state to its next state and uplink, and collects the
 * uplinks; on reference iterations of a network, the honest workers' gradients are summed by
 * {@code treeAggregate} (never collected one by one). x₀, the model and the plan are broadcast once. The lineage
 * is cut every {@code checkpoint_every} iterations by a checkpoint: reliable, into {@code checkpoint_dir}, when
 * the job names one (a lost executor's workers are then recomputed from it, bit for bit), else local; a
 * broadcast that an RDD's lineage still references is unpersisted, never destroyed.
 */
public final class SparkEngine implements Engine {
  private final JavaSparkContext jsc;

  public SparkEngine(JavaSparkContext jsc) {
    this.jsc = jsc;
  }

  @Override
  public RunStatus run(Driver driver, Consumer<IterationRow> sink) {
    int workers = driver.spec().workers();
    boolean sharded = sharded(driver);
    Broadcast<GradientModel> model = jsc.broadcast(driver.model());
    Broadcast<WorkerPlan> plan = jsc.broadcast(sharded ? driver.plan().withSampledGradients() : driver.plan());
    Broadcast<ServerPlan> serverPlan = sharded ? jsc.broadcast(driver.serverPlan()) : null;
    int shards = driver.spec().aggregationShards() > 0 ? driver.spec().aggregationShards()
        : jsc.defaultParallelism();
    // x₀ is broadcast once; the partitions hold only worker ids, so no task carries the parameters
    Broadcast<float[]> x0 = jsc.broadcast(driver.model().initialParameters());
    List<Integer> ids = java.util.stream.IntStream.range(0, workers).boxed().toList();
    int partitions = partitions(workers, driver.spec().workersPerPartition());
    String checkpointDir = driver.spec().checkpointDir();
    if (checkpointDir != null) {
      jsc.setCheckpointDir(checkpointDir);
    }
    ResumePoint point = checkpointDir == null ? null
        : new ResumePoint(jsc, checkpointDir, driver.spec().runId());
    long first = 0;
    JavaRDD<WorkerSlot> slots;
    DownlinkRef down;
    if (driver.resumeAt() != null) {
      if (point == null) {
        throw new IllegalArgumentException("--resume needs the job's checkpoint_dir, where the run wrote its "
            + "resume points");
      }
      first = driver.resumeAt();
      ResumePoint.DriverState state = readDriverState(point, first);
      driver.restore(state);
      slots = point.workers(first).map(WorkerSlot::of).persist(StorageLevel.MEMORY_AND_DISK());
      down = ship(new Downlink(first, state.direction(), state.lr()));
    } else {
      slots = jsc.parallelize(ids, partitions)
          .map(w -> WorkerSlot.of(new WorkerState(w, x0.value().clone(), new float[x0.value().length])))
          .persist(StorageLevel.MEMORY_AND_DISK());
      down = ship(new Downlink(0, null, 0));
    }
    // the last locally checkpointed state: its blocks are the checkpoint that later states recompute from, so
    // it stays persisted until the next checkpoint has been materialised
    JavaRDD<WorkerSlot> anchor = null;
    RunStatus status = RunStatus.COMPLETED;
    Driver.Step last = null;
    long saved = first; // the iteration the run's latest resume point continues at (a resume starts at one)
    try {
      Phases phases = driver.phases();
      for (long t = first; t < driver.spec().iterations(); t++) {
        if (Interrupts.requested()) {
          // a resume point at the boundary, so that --resume loses no iteration (the rows are flushed first)
          if (point != null && last != null && saved != t) {
            driver.beforeCheckpoint();
            point.save(slots, driver.state(t, last.direction(), last.lr()));
          }
          status = RunStatus.INTERRUPTED;
          break;
        }
        long start = System.nanoTime();
        if (phases != null) {
          phases.begin();
        }
        DownlinkRef current = down;
        JavaRDD<WorkerSlot> next = slots.map(
            slot -> WorkerStep.step(model.value(), plan.value(), slot.state(), current.get()));
        next.persist(StorageLevel.MEMORY_AND_DISK());
        boolean cut = (t + 1) % driver.spec().checkpointEvery() == 0;
        if (cut && checkpointDir != null) {
          next.rdd().checkpoint(); // reliable: written after the collect below, read back after an executor loss
        } else if (cut) {
          next.rdd().localCheckpoint();
        }
        // sharded, the messages stay on the executors: only what the metrics need comes back
        List<Uplink> ups = sharded ? next.map(s -> s.uplink().withoutVectors()).collect()
            : next.map(WorkerSlot::uplink).collect();
        long collected = System.nanoTime();
        float[] reference = driver.plan().referenceAt(t) ? next.filter(s -> s.gradient() != null)
            .treeAggregate(new HonestMean(), (m, s) -> m.add(s.gradient()), HonestMean::merge).mean() : null;
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
        ShardedChunks chunks = sharded ? new ShardedChunks(jsc, next, serverPlan, shards) : null;
        Driver.Step step;
        try {
          step = driver.step(t, ups, reference, start, chunks);
        } finally {
          if (chunks != null) {
            chunks.release();
          }
        }
        if (step == null) {
          status = RunStatus.DIVERGED;
          break;
        }
        last = step;
        sink.accept(step.row());
        long shipStart = System.nanoTime();
        down = ship(new Downlink(t + 1, step.direction(), step.lr()));
        if (phases != null) {
          phases.add(Phases.Phase.BROADCAST, (System.nanoTime() - shipStart) / 1e6);
        }
        if (cut && point != null && t + 1 < driver.spec().iterations()) {
          driver.beforeCheckpoint();
          point.save(next, driver.state(t + 1, step.direction(), step.lr()));
          saved = t + 1;
        }
      }
    } finally {
      slots.unpersist(false);
      if (anchor != null) {
        anchor.unpersist(false);
      }
      down.unpersist(false);
      model.unpersist(false);
      plan.unpersist(false);
      if (serverPlan != null) {
        serverPlan.unpersist(false);
      }
      x0.unpersist(false);
    }
    return status;
  }

  /**
   * Whether this run's server work is sharded: as the job says, or for {@code auto} on a cluster master when the
   * rule and the attack are coordinate-wise and d ≥ 2^20 (below that, or on one machine, the shuffle costs more
   * than the driver's own pass over the messages).
   */
  boolean sharded(Driver driver) {
    return switch (driver.spec().aggregation()) {
      case "sharded" -> true;
      case "driver" -> false;
      default -> !jsc.isLocal() && driver.shardable() && driver.model().dimension() >= AUTO_SHARDED_DIMENSION;
    };
  }

  /** The d from which {@code aggregation: auto} shards the server's work on a cluster. */
  static final int AUTO_SHARDED_DIMENSION = 1 << 20;

  private static ResumePoint.DriverState readDriverState(ResumePoint point, long next) {
    try {
      return point.driverState(next);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("--resume: cannot read the driver state of iteration " + next + " in "
          + point.location() + ": " + e.getMessage(), e);
    }
  }

  /** ceil(Q / per partition); auto (0): one partition per core on a local master, one per worker otherwise. */
  int partitions(int workers, int perPartition) {
    if (perPartition > 0) {
      return (workers + perPartition - 1) / perPartition;
    }
    return jsc.isLocal() ? Math.min(workers, jsc.defaultParallelism()) : workers;
  }

  /** Downlinks up to this size travel inside the task closure; larger ones are broadcast. */
  static final long INLINE_BYTES = 64 * 1024;

  private DownlinkRef ship(Downlink d) {
    long bytes = d.previous() == null ? 0 : d.previous().wireBytes();
    return bytes <= INLINE_BYTES ? new Inline(d) : new Broadcasted(jsc.broadcast(d));
  }

  /** The downlink as a task reads it. */
  private interface DownlinkRef extends Serializable {
    Downlink get();

    default void unpersist(boolean blocking) {}
  }

  /** A small downlink (the toy's 125 bytes, an MLP's 10 kB), shipped with the task: no broadcast round trip. */
  private record Inline(Downlink value) implements DownlinkRef {
    @Override
    public Downlink get() {
      return value;
    }
  }

  /** A large downlink (mengoli-cnn: 150 kB of packed signs), fetched once per executor. */
  private record Broadcasted(Broadcast<Downlink> value) implements DownlinkRef {
    @Override
    public Downlink get() {
      return value.value();
    }

    @Override
    public void unpersist(boolean blocking) {
      value.unpersist(blocking);
    }
  }
}
