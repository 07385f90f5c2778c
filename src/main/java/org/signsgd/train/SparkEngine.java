package org.signsgd.train;

import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.signsgd.model.GradientModel;

/**
 * Spark partitions are the workers (DESIGN §1, §5). The worker states live in a persisted RDD with one worker
 * per partition, or {@code workers_per_partition} workers run in turn by one task; each iteration broadcasts
 * only the downlink (direction_{t−1}, η_{t−1}), maps every state to its next state and uplink, and collects the
 * uplinks; on reference iterations of a network, the honest workers' gradients are summed by
 * {@code treeAggregate} (never collected one by one). x₀, the model and the plan are broadcast once. The lineage
 * is cut by a local checkpoint every {@code checkpoint_every} iterations; a broadcast that an RDD's lineage
 * still references is unpersisted, never destroyed.
 */
public final class SparkEngine implements Engine {
  private final JavaSparkContext jsc;

  public SparkEngine(JavaSparkContext jsc) {
    this.jsc = jsc;
  }

  @Override
  public String run(Driver driver, Consumer<IterationRow> sink) {
    int workers = driver.spec().workers();
    Broadcast<GradientModel> model = jsc.broadcast(driver.model());
    Broadcast<WorkerPlan> plan = jsc.broadcast(driver.plan());
    // x₀ is broadcast once; the partitions hold only worker ids, so no task carries the parameters
    Broadcast<float[]> x0 = jsc.broadcast(driver.model().initialParameters());
    List<Integer> ids = java.util.stream.IntStream.range(0, workers).boxed().toList();
    int partitions = (workers + driver.spec().workersPerPartition() - 1) / driver.spec().workersPerPartition();
    JavaRDD<WorkerSlot> slots = jsc.parallelize(ids, partitions)
        .map(w -> new WorkerSlot(new WorkerState(w, x0.value().clone(), new float[x0.value().length]), null,
            null)).persist(StorageLevel.MEMORY_AND_DISK());
    Broadcast<Downlink> down = jsc.broadcast(new Downlink(0, null, 0));
    // the last locally checkpointed state: its blocks are the checkpoint that later states recompute from, so
    // it stays persisted until the next checkpoint has been materialised
    JavaRDD<WorkerSlot> anchor = null;
    String status = "completed";
    try {
      for (long t = 0; t < driver.spec().iterations(); t++) {
        long start = System.nanoTime();
        Broadcast<Downlink> current = down;
        JavaRDD<WorkerSlot> next = slots.map(
            slot -> WorkerStep.step(model.value(), plan.value(), slot.state(), current.value()));
        next.persist(StorageLevel.MEMORY_AND_DISK());
        boolean cut = (t + 1) % driver.spec().checkpointEvery() == 0;
        if (cut) {
          next.rdd().localCheckpoint();
        }
        List<Uplink> ups = next.map(WorkerSlot::uplink).collect();
        float[] reference = driver.plan().referenceAt(t) ? next.filter(s -> s.gradient() != null)
            .treeAggregate(new HonestMean(), (m, s) -> m.add(s.gradient()), HonestMean::merge).mean() : null;
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
        Driver.Step step = driver.step(t, ups, reference, start);
        if (step == null) {
          status = "diverged";
          break;
        }
        sink.accept(step.row());
        down = jsc.broadcast(new Downlink(t + 1, step.direction(), step.lr()));
      }
    } finally {
      slots.unpersist(false);
      if (anchor != null) {
        anchor.unpersist(false);
      }
      down.unpersist(false);
      model.unpersist(false);
      plan.unpersist(false);
      x0.unpersist(false);
    }
    return status;
  }
}
