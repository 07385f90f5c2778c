package org.signsgd.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.signsgd.aggregate.Direction;
import org.signsgd.aggregate.Mean;
import org.signsgd.aggregate.Median;

/**
 * The momentum-placement toy case (El Mhamdi, Guerraoui, Rouault, "Distributed Momentum for Byzantine-resilient
 * Stochastic Gradient Descent", ICLR 2021: momentum at the server or at the workers), computed by hand:
 * scalar, 3 honest workers, f = 0, μ = 0.9, dampening 0,
 * g_0 = (1, 2, 6), g_1 = (3, 0, 1). With the median, momentum at the server steps by 2 then 2.8, at the workers
 * by 2 then 3.9 (m_1 = (3.9, 1.8, 6.4)); with the mean both placements agree (3, then 4.0333333333).
 */
class MomentumPlacementTest {
  private static final float[][] G = {{1, 2, 6}, {3, 0, 1}};

  private static double[][] rows(float[] perWorker) {
    double[][] x = new double[perWorker.length][1];
    for (int i = 0; i < x.length; i++) {
      x[i][0] = perWorker[i];
    }
    return x;
  }

  private static double[] atServer(org.signsgd.aggregate.DenseRule rule) {
    ServerMomentum server = new ServerMomentum(0.9, 0);
    double[] steps = new double[2];
    for (int t = 0; t < 2; t++) {
      double a = rule.combine(rows(G[t]), 0)[0];
      steps[t] = server.apply(new Direction.Dense(new float[] {(float) a})).toFloats()[0];
    }
    return steps;
  }

  private static double[] atWorkers(org.signsgd.aggregate.DenseRule rule, float[][] m) {
    double[] steps = new double[2];
    for (int t = 0; t < 2; t++) {
      float[] sent = new float[3];
      for (int w = 0; w < 3; w++) {
        WorkerMomentum.accumulate(m[w], new float[] {G[t][w]}, 0.9, 0);
        sent[w] = m[w][0];
      }
      steps[t] = rule.combine(rows(sent), 0)[0];
    }
    return steps;
  }

  @Test
  void withTheMedianThePlacementMatters() {
    assertThat(atServer(new Median(false))).containsExactly(new double[] {2, 2.8}, within(1e-6));
    float[][] m = new float[3][1];
    assertThat(atWorkers(new Median(false), m)).containsExactly(new double[] {2, 3.9}, within(1e-6));
    assertThat(new float[] {m[0][0], m[1][0], m[2][0]}).containsExactly(new float[] {3.9f, 1.8f, 6.4f},
        within(1e-6f));
  }

  @Test
  void withTheMeanBothPlacementsAgree() {
    org.signsgd.aggregate.DenseRule mean = (org.signsgd.aggregate.DenseRule) org.signsgd.aggregate.Rules.create(
        org.signsgd.spec.RuleSpec.of("nnm")); // NNM with f = 0 mixes everything: the mean of the mean
    assertThat(atServer(mean)).containsExactly(new double[] {3, 4.0333333333}, within(1e-6));
    assertThat(atWorkers(mean, new float[3][1])).containsExactly(new double[] {3, 4.0333333333}, within(1e-6));
    assertThat(Mean.NAME).isEqualTo("mean");
  }

  @Test
  void signumIsTheDampedForm() {
    float[] a = {0.5f};
    float[] b = {0.5f};
    WorkerMomentum.accumulate(a, new float[] {2f}, 0.9);
    WorkerMomentum.accumulate(b, new float[] {2f}, 0.9, 0.9);
    assertThat(a).containsExactly(b);
    assertThat(a[0]).isCloseTo(0.65f, within(1e-6f));
  }
}
