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
 * per partition; each iteration broadcasts only the downlink (direction_{t−1}, η_{t−1}), maps every state to its
 * next state and uplink, and collects the uplinks. The model and the plan are broadcast once. The lineage is cut
 * by a local checkpoint every {@code checkpoint_every} iterations; a broadcast that an RDD's lineage still
 * references is unpersisted, never destroyed.
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
    JavaRDD<WorkerSlot> slots = jsc.parallelize(driver.initialStates(), workers)
        .map(s -> new WorkerSlot(s, null)).persist(StorageLevel.MEMORY_ONLY());
    Broadcast<Downlink> down = jsc.broadcast(new Downlink(0, null, 0));
    String status = "completed";
    try {
      for (long t = 0; t < driver.spec().iterations(); t++) {
        Broadcast<Downlink> current = down;
        JavaRDD<WorkerSlot> next = slots.map(
            slot -> WorkerStep.step(model.value(), plan.value(), slot.state(), current.value()));
        next.persist(StorageLevel.MEMORY_ONLY());
        if ((t + 1) % driver.spec().checkpointEvery() == 0) {
          next.rdd().localCheckpoint();
        }
        List<Uplink> ups = next.map(WorkerSlot::uplink).collect();
        slots.unpersist(false);
        current.unpersist(false);
        slots = next;
        Driver.Step step = driver.step(t, ups);
        if (step == null) {
          status = "diverged";
          break;
        }
        sink.accept(step.row());
        down = jsc.broadcast(new Downlink(t + 1, step.direction(), step.lr()));
      }
    } finally {
      slots.unpersist(false);
      down.unpersist(false);
      model.unpersist(false);
      plan.unpersist(false);
    }
    return status;
  }
}
