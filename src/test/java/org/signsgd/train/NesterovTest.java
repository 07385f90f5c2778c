package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nesterov (seed 003): the gradient is taken at the look-ahead x_t − η_t·β·m_{t−1}. On f(x) = ½‖x‖² without
 * noise (∇f = x), η = 0.1, β = 0.9, δ = 0, x_0 = (1, 1): m_0 = 1, x_1 = 0.9; the look-ahead is 0.9 − 0.09 = 0.81,
 * m_1 = 0.9 + 0.81 = 1.71, x_2 = 0.9 − 0.171 = 0.729, f(x_2) = 0.729² = 0.531441. Without Nesterov
 * m_1 = 1.8 and x_2 = 0.72, f = 0.5184. At the server the look-ahead uses the server's v: the same numbers.
 */
class NesterovTest {
  @TempDir
  Path dir;

  private static final String JOB = """
      name: nesterov
      seed: 1
      model: {name: quadratic, dim: 2, noise_std: 0.0, x0: 1.0}
      workers: 3
      byzantine: 0
      aggregator: {name: mean}
      momentum: {beta: 0.9, at: worker, nesterov: true}
      batch_size: 1
      iterations: 3
      lr: {schedule: constant, initial: 0.1}
      engine: inprocess
      """;

  private List<IterationRow> run(String... overrides) throws Exception {
    return TestJobs.run(new InProcessEngine(), TestJobs.one(dir, JOB, overrides));
  }

  @Test
  void theGradientIsTakenAtTheLookAhead() throws Exception {
    assertThat(run().get(2).trainLoss()).isCloseTo(0.531441, within(1e-6));
    assertThat(run("momentum.nesterov=false").get(2).trainLoss()).isCloseTo(0.5184, within(1e-6));
    assertThat(run("momentum.at=server").get(2).trainLoss()).isCloseTo(0.531441, within(1e-6));
    assertThat(run("momentum.at=server", "momentum.nesterov=false").get(2).trainLoss()).isCloseTo(0.5184,
        within(1e-6));
  }
}
