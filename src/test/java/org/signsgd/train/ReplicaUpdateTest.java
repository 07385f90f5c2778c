package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.aggregate.Direction;
import org.signsgd.message.DenseMessage;
import org.signsgd.optim.Update;

/**
 * The workers one task steps update their equal replicas once and share the result: the values are those of each
 * worker updating its own copy, no array a state holds is written, and a replica that differs gets its own update.
 */
class ReplicaUpdateTest {
  @TempDir
  Path dir;

  @Test
  void equalReplicasShareOneUpdateWithTheValuesOfEach() {
    // x ← x − η (direction + λ x), η = 0.5, λ = 0.1, by hand: 1 − 0.5·(2 + 0.1) = −0.05; −2 − 0.5·(−1 − 0.2) = −1.4
    Downlink down = new Downlink(3, new Direction.Dense(new float[] {2f, -1f}), 0.5);
    ReplicaUpdate update = new ReplicaUpdate(down, 0.1);
    float[] a = {1f, -2f};
    float[] b = {1f, -2f};
    float[] c = {1f, -3f};

    float[] fromA = update.apply(a);
    float[] fromB = update.apply(b);
    float[] again = update.apply(a);
    float[] fromC = update.apply(c);

    assertThat(fromA).containsExactly((float) (1 - 0.5 * (2 + 0.1 * 1)), (float) (-2 - 0.5 * (-1 + 0.1 * -2)));
    assertThat(fromA).containsExactly(-0.05f, -1.4f);
    assertThat(fromB).isSameAs(fromA);
    assertThat(again).isSameAs(fromA);
    float[] own = c.clone();
    Update.dense(own, new float[] {2f, -1f}, 0.5, 0.1);
    assertThat(fromC).isNotSameAs(fromA).containsExactly(own);
    // the inputs are the previous states' arrays: never written
    assertThat(a).containsExactly(1f, -2f);
    assertThat(b).containsExactly(1f, -2f);
    assertThat(c).containsExactly(1f, -3f);
    assertThat(update.checksum(fromC)).isEqualTo(WorkerStep.checksum(own));
  }

  @Test
  void withoutADirectionTheReplicaIsKeptAsItIs() {
    ReplicaUpdate update = new ReplicaUpdate(new Downlink(0, null, 0), 0.1);
    float[] x = {1f, 2f};
    assertThat(update.apply(x)).isSameAs(x).containsExactly(1f, 2f);
  }

  @Test
  void theWorkersOfOneStepShareTheirReplicaAndTheirMessageIsTheirMomentum() throws Exception {
    Driver driver = new Driver(TestJobs.one(dir, """
        name: shared
        seed: 4
        model: {name: quadratic, dim: 50, noise_std: 1.0}
        workers: 4
        byzantine: 0
        aggregator: {name: mean}
        weight_decay: 0.01
        batch_size: 1
        iterations: 3
        lr: {schedule: constant, initial: 0.1}
        engine: inprocess
        """));
    List<WorkerState> shared = new ArrayList<>(driver.initialStates());
    List<WorkerState> own = new ArrayList<>(driver.initialStates());
    Downlink down = new Downlink(0, null, 0);
    for (long t = 0; t < 3; t++) {
      ReplicaUpdate replicas = new ReplicaUpdate(down, driver.plan().weightDecay());
      List<Uplink> ups = new ArrayList<>();
      for (int w = 0; w < shared.size(); w++) {
        WorkerSlot s = WorkerStep.step(driver.model(), driver.plan(), shared.get(w), "cpu", replicas);
        // each worker alone, with its own update: the same bits
        WorkerSlot o = WorkerStep.step(driver.model(), driver.plan(), own.get(w), down, "cpu");
        assertThat(s.state().x()).as("t=%d w=%d", t, w).containsExactly(o.state().x());
        assertThat(s.state().v()).containsExactly(o.state().v());
        assertThat(((DenseMessage) s.uplink().message()).values()).isSameAs(s.state().v());
        shared.set(w, s.state());
        own.set(w, o.state());
        ups.add(s.uplink());
      }
      for (int w = 1; w < shared.size(); w++) {
        assertThat(shared.get(w).x()).isSameAs(shared.get(0).x()).isNotSameAs(own.get(w).x());
      }
      Driver.Step step = driver.step(t, ups, null, System.nanoTime());
      down = new Downlink(t + 1, step.direction(), step.lr());
    }
  }
}
