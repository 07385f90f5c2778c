package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.job.JobSpec;
import org.signsgd.message.SignMessage;
import org.signsgd.vote.SignVector;

/**
 * With momentum at the server, a workers/ row measures the message against the direction the driver applied (the
 * momentum of the votes), not the round's raw vote; over several chunks too.
 */
class ServerMomentumWorkerRowsTest {
  @TempDir
  Path dir;

  private static final String JOB = """
      name: server-momentum-rows
      seed: 4
      model: {name: quadratic, dim: 140000, noise_std: 1.0, x0: normal}
      workers: 5
      byzantine: 1
      attack: {name: random-sign}
      aggregator: {name: majority-vote}
      momentum: {beta: 0.9, at: server}
      batch_size: 1
      iterations: 4
      worker_metrics: true
      engine: inprocess
      lr: {schedule: constant, initial: 0.01}
      """;

  @Test
  void agreementIsWithTheAppliedDirection() throws Exception {
    JobSpec spec = TestJobs.one(dir, JOB);
    List<WorkerRow> rows = new ArrayList<>();
    Driver driver = new Driver(spec).onWorkerRows(rows::add);
    List<WorkerState> states = new ArrayList<>(driver.initialStates());
    Downlink down = new Downlink(0, null, 0);
    for (long t = 0; t < 4; t++) {
      List<Uplink> ups = new ArrayList<>();
      for (int w = 0; w < states.size(); w++) {
        WorkerSlot slot = WorkerStep.step(driver.model(), driver.plan(), states.get(w), down);
        states.set(w, slot.state());
        ups.add(slot.uplink());
      }
      rows.clear();
      Driver.Step step = driver.step(t, ups, null, System.nanoTime());
      SignVector applied = SignVector.pack(step.direction().toFloats(), org.signsgd.vote.TieRule.ZERO, null);
      assertThat(rows).hasSize(5);
      for (WorkerRow r : rows) {
        if (r.byzantine()) {
          continue; // its message was forged on the driver: not in the uplinks
        }
        SignVector sent = ((SignMessage) ups.get(r.worker()).message()).signs();
        double expected = (double) sent.agreements(applied) / 140_000;
        assertThat(r.agreement()).as("t=%d worker %d", t, r.worker()).isEqualTo(expected);
      }
      down = new Downlink(t + 1, step.direction(), step.lr());
    }
  }
}
