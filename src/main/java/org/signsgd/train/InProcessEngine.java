package org.signsgd.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** All workers in a loop in one JVM: the same steps and rows as {@link SparkEngine}, without scheduling. */
public final class InProcessEngine implements Engine {
  @Override
  public RunStatus run(Driver driver, Consumer<IterationRow> sink) {
    List<WorkerState> states = new ArrayList<>(driver.initialStates());
    Downlink down = new Downlink(0, null, 0);
    Phases phases = driver.phases();
    for (long t = 0; t < driver.spec().iterations(); t++) {
      if (Interrupts.requested()) {
        return RunStatus.INTERRUPTED;
      }
      long start = System.nanoTime();
      if (phases != null) {
        phases.begin();
      }
      List<Uplink> ups = new ArrayList<>(states.size());
      HonestMean reference = new HonestMean();
      ReplicaUpdate replicas = new ReplicaUpdate(down, driver.plan().weightDecay());
      for (int w = 0; w < states.size(); w++) {
        WorkerSlot slot = WorkerStep.step(driver.model(), driver.plan(), states.get(w), DeviceBinding.bind(
            driver.plan().gpu()), replicas);
        states.set(w, slot.state());
        ups.add(slot.uplink());
        if (slot.gradient() != null) {
          reference.add(slot.gradient());
        }
      }
      if (phases != null) {
        phases.stage(start, System.nanoTime(), ups);
      }
      Driver.Step step = driver.step(t, ups, reference.mean(), start);
      if (step == null) {
        return RunStatus.DIVERGED;
      }
      sink.accept(step.row());
      down = new Downlink(t + 1, step.direction(), step.lr());
    }
    return RunStatus.COMPLETED;
  }
}
