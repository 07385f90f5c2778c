package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.job.JobSpec;
import org.signsgd.model.Quadratic;

/**
 * The toy's reference metrics are taken at x_t, before the update: {@code grad_norm_l1} = ‖∇f(x_t)‖₁ = ‖x_t‖₁ and
 * {@code cosine_to_reference} = cos(direction_t, x_t). The driver does not hold the exact gradient through the
 * server step (at a large d it would be one more d-vector on its heap) and makes it again for the cosine, and the
 * Spark workers make their own x₀ from the seed; a second computation here, from the model's own minibatch
 * gradients, checks both, on the driver path and sharded.
 */
class ReferenceMetricsTest {
  @TempDir
  Path dir;

  private static final String JOB = """
      name: reference-metrics
      seed: 5
      model: {name: quadratic, dim: 4, noise_std: 1.0, x0: normal}
      workers: 3
      byzantine: 0
      aggregator: {name: mean}
      batch_size: 1
      iterations: 3
      lr: {schedule: constant, initial: 0.25}
      """;

  @Test
  void theReferenceIsTheExactGradientAtTheIteratesParameters() throws Exception {
    JobSpec spec = TestJobs.one(dir, JOB);
    List<IterationRow> rows = TestJobs.run(new InProcessEngine(), spec);
    Quadratic toy = Quadratic.normal(4, 1.0, 5); // x₀ ~ N(0, I) from the seed, as the workers make it
    float[] x = toy.initialParameters();
    for (int t = 0; t < 3; t++) {
      // the mean of the three workers' minibatch gradients g_w = x_t + ξ_w, as each worker draws it
      double[] dir = new double[4];
      for (int w = 0; w < 3; w++) {
        float[] g = new float[4];
        toy.stochasticGradient(x, 1, t, w, g);
        for (int i = 0; i < 4; i++) {
          dir[i] += g[i] / 3.0;
        }
      }
      double dot = 0;
      double nd = 0;
      double nx = 0;
      double l1 = 0;
      for (int i = 0; i < 4; i++) {
        dot += dir[i] * x[i];
        nd += dir[i] * dir[i];
        nx += (double) x[i] * x[i];
        l1 += Math.abs(x[i]);
      }
      IterationRow r = rows.get(t);
      assertThat(r.gradNormL1()).as("iteration %d", t).isCloseTo(l1, within(1e-5));
      assertThat(r.cosineToReference()).as("iteration %d", t).isCloseTo(dot / Math.sqrt(nd * nx), within(1e-6));
      // the cosine against x_{t+1} = x_t − η·direction would differ: the check can tell the two apart
      for (int i = 0; i < 4; i++) {
        x[i] -= (float) (0.25 * dir[i]);
      }
    }
    assertThat(rows.get(0).cosineToReference()).isBetween(-1.0, 0.9999);

    // on Spark the workers make x₀ themselves, from the seed: the same rows as in-process (the replicas are
    // checked against the driver's x on check iterations too)
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkSessions.get("local[2]").sparkContext());
    List<IterationRow> inProcess = TestJobs.timeless(rows);
    assertThat(TestJobs.timeless(TestJobs.run(new SparkEngine(jsc), TestJobs.one(dir, JOB + "aggregation: driver\n"))))
        .isEqualTo(inProcess);
    assertThat(TestJobs.timeless(TestJobs.run(new SparkEngine(jsc), TestJobs.one(dir,
        JOB + "aggregation: sharded\naggregation_shards: 2\n")))).isEqualTo(inProcess);
  }
}
