package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.job.JobSpec;

/**
 * A resume point carries a stateful rule's state (signSGD-FD's counts, centered clipping's centre): a driver
 * restored from the serialised point continues with exactly the rows of the uninterrupted run.
 */
class StatefulResumeTest {
  @TempDir
  Path dir;

  private static final String JOB = """
      name: stateful
      seed: 6
      model: {name: quadratic, dim: 200, noise_std: 1.0, x0: 1.0}
      workers: 9
      byzantine: 3
      attack: {name: stochastic-sign-flip, r: 0.5}
      aggregator: {name: sign-fd, t_in: 4}
      batch_size: 1
      iterations: 14
      lr: {schedule: constant, initial: 0.05}
      engine: inprocess
      """;

  private record Point(List<WorkerState> states, Downlink down, byte[] driver) {}

  private static List<IterationRow> steps(Driver driver, List<WorkerState> states, Downlink down, long from,
      long to, Point[] keep, long at) throws Exception {
    states = new ArrayList<>(states);
    List<IterationRow> rows = new ArrayList<>();
    for (long t = from; t < to; t++) {
      if (t == at) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
          out.writeObject(driver.state(t, down.previous(), down.previousLr()));
        }
        List<WorkerState> copies = states.stream().map(WorkerState::copy).toList();
        keep[0] = new Point(copies, down, bytes.toByteArray());
      }
      List<Uplink> ups = new ArrayList<>();
      for (int w = 0; w < states.size(); w++) {
        WorkerSlot slot = WorkerStep.step(driver.model(), driver.plan(), states.get(w), down);
        states.set(w, slot.state());
        ups.add(slot.uplink());
      }
      Driver.Step step = driver.step(t, ups, null, System.nanoTime());
      rows.add(TestJobs.timeless(step.row()));
      down = new Downlink(t + 1, step.direction(), step.lr());
    }
    return rows;
  }

  @Test
  void signFdAndCenteredClippingResumeExactly() throws Exception {
    for (String[] variant : new String[][] {{}, {"aggregator={name: centered-clipping, tau: 1.0}",
        "attack={name: sign-flip}"}}) {
      JobSpec spec = TestJobs.one(dir, JOB, variant);
      Driver whole = new Driver(spec);
      Point[] point = new Point[1];
      List<IterationRow> uninterrupted = steps(whole, new ArrayList<>(whole.initialStates()),
          new Downlink(0, null, 0), 0, 14, point, 8);

      Driver resumed = new Driver(spec);
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(point[0].driver()))) {
        resumed.restore((ResumePoint.DriverState) in.readObject());
      }
      List<IterationRow> after = steps(resumed, point[0].states(), point[0].down(), 8, 14, new Point[1], -1);
      assertThat(after).as(spec.aggregator().name()).isEqualTo(uninterrupted.subList(8, 14));

      // without the rule's state the continuation differs (the test would catch a lost state)
      Driver fresh = new Driver(spec);
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(point[0].driver()))) {
        ResumePoint.DriverState s = (ResumePoint.DriverState) in.readObject();
        fresh.restore(new ResumePoint.DriverState(s.next(), s.x(), s.direction(), s.lr(), s.serverMomentum(),
            null));
      }
      assertThat(steps(fresh, point[0].states(), point[0].down(), 8, 14, new Point[1], -1)).as(spec.aggregator().name())
          .isNotEqualTo(uninterrupted.subList(8, 14));
    }
  }
}
