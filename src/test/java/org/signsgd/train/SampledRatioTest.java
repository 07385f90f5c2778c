package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.job.JobSpec;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;

/**
 * variance_norm_ratio_sampled (El Mhamdi et al., ICLR 2021: the ratio of the sampled gradients; docs/bounds.md):
 * with momentum at the workers, the driver
 * recovers each honest g_t from consecutive momentum messages; its ratio equals the ratio of the gradients the
 * workers actually sampled (kept here by reference_every: 1), and momentum lowers the received ratio.
 */
class SampledRatioTest {
  @TempDir
  Path dir;

  private static final String JOB = """
      name: sampled
      seed: 2
      model: {name: linreg-net}
      data: {name: synthetic}
      workers: 9
      byzantine: 2
      attack: {name: alie, factor: 1.5}
      aggregator: {name: median}
      momentum: {beta: 0.9, at: worker}
      gradient_clip: 2.0
      batch_size: 16
      iterations: 12
      lr: {schedule: constant, initial: 0.05}
      reference_every: 1
      engine: inprocess
      """;

  @Test
  void recoveredGradientsGiveTheRatioOfTheSampledOnes() throws Exception {
    JobSpec spec = TestJobs.one(dir, JOB);
    Driver driver = new Driver(spec);
    List<WorkerState> states = new ArrayList<>(driver.initialStates());
    Downlink down = new Downlink(0, null, 0);
    int lower = 0;
    for (long t = 0; t < spec.iterations(); t++) {
      List<Uplink> ups = new ArrayList<>();
      List<float[]> sampled = new ArrayList<>();
      HonestMean mean = new HonestMean();
      for (int w = 0; w < states.size(); w++) {
        WorkerSlot slot = WorkerStep.step(driver.model(), driver.plan(), states.get(w), down);
        states.set(w, slot.state());
        ups.add(slot.uplink());
        if (slot.gradient() != null) {
          sampled.add(slot.gradient());
          mean.add(slot.gradient());
        }
      }
      Driver.Step step = driver.step(t, ups, mean.mean(), System.nanoTime());
      IterationRow row = step.row();
      double truth = org.signsgd.server.VarianceNormRatio.of(sampled);
      assertThat(sampled).hasSize(7);
      assertThat(row.varianceNormRatioSampled()).as("t=%d", t).isCloseTo(truth, within(1e-5 * truth));
      if (t == 0) {
        // m_0 = g_0: received and sampled are the same vectors
        assertThat(row.varianceNormRatio()).isEqualTo(row.varianceNormRatioSampled());
      } else if (row.varianceNormRatio() < row.varianceNormRatioSampled()) {
        lower++;
      }
      down = new Downlink(t + 1, step.direction(), step.lr());
    }
    // El Mhamdi et al.: momentum at the workers shrinks the ratio of what the server receives
    assertThat(lower).isGreaterThanOrEqualTo(8);
  }

  @Test
  void withoutWorkerMomentumSampledIsReceived() throws Exception {
    JobSpec spec = TestJobs.one(dir, JOB, "momentum.at=server");
    for (IterationRow r : TestJobs.run(new InProcessEngine(), spec)) {
      assertThat(r.varianceNormRatioSampled()).isEqualTo(r.varianceNormRatio()).isNotNull();
    }
  }
}
