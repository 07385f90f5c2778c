package org.signsgd.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.signsgd.data.Shards;
import org.signsgd.data.SyntheticRegression;

/** The analytic gradients against central finite differences of the objective, in double. */
class FiniteDifferenceTest {
  private static void checkExactGradient(GradientModel model, float[] w) {
    float[] g = model.exactGradient(w);
    for (int j = 0; j < model.dimension(); j++) {
      float h = 1e-2f;
      float[] plus = w.clone();
      float[] minus = w.clone();
      plus[j] += h;
      minus[j] -= h;
      double fd = (model.loss(plus) - model.loss(minus)) / (plus[j] - minus[j]);
      assertThat(g[j]).as("%s coordinate %d", model.name(), j).isCloseTo((float) fd, within(2e-3f));
    }
  }

  private static float[] point(int d) {
    float[] w = new float[d];
    for (int j = 0; j < d; j++) {
      w[j] = (float) Math.sin(j + 1.0);
    }
    return w;
  }

  @Test
  void linearAndLogisticGradientsMatchFiniteDifferences() {
    for (SyntheticRegression.Kind kind : SyntheticRegression.Kind.values()) {
      SyntheticRegression data = SyntheticRegression.generate(kind, 2000, 8005);
      Regression model = new Regression(kind, data, new Shards(1600, 4, 8005));
      checkExactGradient(model, point(model.dimension()));
      // the default gradient to read is the gradient itself, made the same way
      float[] w = point(model.dimension());
      assertThat(model.exactGradientToRead(w)).containsExactly(model.exactGradient(w));
    }
  }

  @Test
  void quadraticGradientAndNoise() {
    Quadratic q = Quadratic.constant(50, 1.0, 1f, 1);
    checkExactGradient(q, point(50));
    // ∇f(x) = x: to read it is x itself, no copy on the driver; to keep it, a copy
    float[] at = point(50);
    assertThat(q.exactGradientToRead(at)).isSameAs(at);
    assertThat(q.exactGradient(at)).isNotSameAs(at).containsExactly(at);
    // the minibatch noise has variance σ²/n: batch 400 gives sd 0.05 around x
    float[] x = new float[50];
    float[] g = new float[50];
    double s2 = 0;
    for (int t = 0; t < 200; t++) {
      q.stochasticGradient(x, 400, t, 0, g);
      for (float v : g) {
        s2 += v * v;
      }
    }
    assertThat(Math.sqrt(s2 / (200 * 50))).isCloseTo(0.05, within(0.002));
  }

  @Test
  void minibatchGradientsAverageToTheFullGradient() {
    SyntheticRegression data = SyntheticRegression.generate(SyntheticRegression.Kind.LINEAR, 1000, 3);
    Shards shards = new Shards(800, 1, 3);
    Regression model = new Regression(SyntheticRegression.Kind.LINEAR, data, shards);
    float[] w = point(21);
    // one worker, batch = its whole shard (all 800 samples): equals the exact gradient
    float[] g = new float[21];
    model.stochasticGradient(w, 800, 0, 0, g);
    assertThat(g).containsExactly(model.exactGradient(w), within(1e-5f));
  }
}
