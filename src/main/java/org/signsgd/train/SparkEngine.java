package org.signsgd.train;

import java.io.Serializable;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Spark partitions are the workers. The worker states live in a persisted RDD with one worker
 * per partition, or {@code workers_per_partition} workers run in turn by one task; each iteration broadcasts
 * only the downlink (direction_{t−1}, η_{t−1}), maps every state to its next state and uplink, and collects the
 * uplinks; on reference iterations of a network, the honest workers' gradients are summed by
 * {@code treeAggregate} (never collected one by one). The model, the plan and a network's x₀ are broadcast once
 * (an analytic model's x₀ is made by each worker from the seed). The lineage is cut every
 * {@code checkpoint_every} iterations by a checkpoint: reliable, into {@code checkpoint_dir}, when the job names one
 * (a lost executor's workers are then recomputed from it, bit for bit), else local; a broadcast that an RDD's lineage still references is unpersisted, never destroyed.
 * With {@code resident_workers} the tasks stay running between checkpoints instead ({@link ResidentWorkers}): one job
 * per stretch, the downlinks and uplinks over sockets, the states back into the RDD at the stretch's end.
 */
public final class SparkEngine implements Engine {
  private final JavaSparkContext jsc;

  public SparkEngine(JavaSparkContext jsc) {
    this.jsc = jsc;
  }

  /** One iteration as the pipeline it is: the worker stage, the server step, the row, the downlink. */
  @Override
  public RunStatus run(Driver driver, Consumer<IterationRow> sink) {
    Phases phases = driver.phases();
    try (SparkRun run = new SparkRun(jsc, this, driver)) {
      for (long t = run.first(); t < driver.spec().iterations(); t++) {
        if (Interrupts.requested()) {
          run.stopBefore(t);
          return RunStatus.INTERRUPTED;
        }
        long start = System.nanoTime();
        if (phases != null) {
          phases.begin();
        }
        SparkRun.WorkerStage stage = run.workers(t, start, phases);
        Driver.Step step = run.server(t, stage, start);
        if (step == null) {
          return RunStatus.DIVERGED;
        }
        sink.accept(step.row());
        run.downlink(t, stage, step, this, phases);
      }
      return RunStatus.COMPLETED;
    }
  }

  /**
   * Whether this run's server work is sharded: as the job says, or for {@code auto} when the rule and the attack can
   * be sharded, sharding pays ({@link Driver#shardingPays}: dense messages or per-coordinate state, not a stateless
   * sign vote), d ≥ 2^20 (below that the driver's own pass over the messages costs less than the shards' jobs) and
   * the job does not ask for resident workers (which need the server's work on the driver). On a local master the
   * shards read the messages in place ({@link InPlaceChunks}), on a cluster they shuffle them.
   */
  boolean sharded(Driver driver) {
    return org.signsgd.job.AutoAggregation.sharded(driver.spec().aggregation(), driver.shardingPays(),
        driver.model().dimension(), driver.spec().residentWorkers());
  }

  /**
   * Whether a run of this size may have resident workers ({@code resident_workers: true}, or auto's choice on a
   * local master), whose messages reach the driver over their own connections rather than as task results.
   */
  public static boolean residentFits(long workers, long dimension) {
    return SparkRun.residentFits(workers, dimension);
  }

  /** The d from which {@code aggregation: auto} shards the server's work. */
  static final int AUTO_SHARDED_DIMENSION = org.signsgd.job.AutoAggregation.SHARDED_FROM_DIMENSION;

  /** ceil(Q / per partition); auto (0): one partition per core on a local master, one per worker otherwise. */
  int partitions(int workers, int perPartition) {
    if (perPartition > 0) {
      return (workers + perPartition - 1) / perPartition;
    }
    return jsc.isLocal() ? Math.min(workers, jsc.defaultParallelism()) : workers;
  }

  /** Downlinks up to this size travel inside the task closure; larger ones are broadcast. */
  static final long INLINE_BYTES = 64 * 1024;

  DownlinkRef ship(Downlink d) {
    long bytes = d.previous() == null ? 0 : d.previous().wireBytes();
    return bytes <= INLINE_BYTES ? new Inline(d) : new Broadcasted(jsc.broadcast(d));
  }

  /** The downlink as a task reads it. */
  interface DownlinkRef extends Serializable {
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
