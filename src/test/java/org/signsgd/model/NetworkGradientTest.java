package org.signsgd.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.signsgd.data.MnistFixture;
import org.signsgd.spec.RuleSpec;

/** DL4J gradients of the seeds' networks against central finite differences, in double precision. */
class NetworkGradientTest {
  private static NetworkModel network(String name, String precision) {
    return network(name, precision, "gemm");
  }

  private static NetworkModel network(String name, String precision, String conv) {
    return (NetworkModel) Models.create(new RuleSpec(name, Map.of("precision", precision, "conv", conv)),
        new RuleSpec("mnist", Map.of("dir", MnistFixture.dir().toString())), 5, 27);
  }

  @Test
  void mengoliCnnHasTheSeedsParameterCount() {
    assertThat(network("mengoli-cnn", "float").dimension()).isEqualTo(1_199_882);
  }

  /**
   * The largest-gradient coordinate of each of the 8 parameter blocks in DL4J order (conv1 b, W, conv2 b, W, fc1 W, b,
   * fc2 W, b), with dropout on: the same (iteration, worker) gives the same batch and the same masks, so the
   * loss is a deterministic function of x.
   */
  @Test
  void mengoliCnnGradientMatchesFiniteDifferences() {
    NetworkModel cnn = network("mengoli-cnn", "double");
    int[] blocks = {0, 32, 320, 384, 18_816, 1_198_464, 1_198_592, 1_199_872, 1_199_882};
    float[] x = cnn.initialParameters();
    float[] g = new float[cnn.dimension()];
    double loss = cnn.stochasticGradient(x, 8, 3, 2, g);
    assertThat(loss).isBetween(2.0, 2.6);
    int[] ends = Arrays.copyOfRange(blocks, 1, blocks.length);
    checkLargestInEachRange(cnn, x, g, 8, 3, 2, Arrays.copyOf(blocks, blocks.length - 1), ends);
  }

  /**
   * For each range [from[b], to[b]), the coordinate with the largest |g| against a central difference of the
   * minibatch loss at (batch, t, w), h = 1e-6, to 1e-5 relative.
   */
  private static void checkLargestInEachRange(NetworkModel net, float[] x, float[] g, int batch, long t, int w,
      int[] from, int[] to) {
    float[] scratch = new float[net.dimension()];
    for (int b = 0; b < from.length; b++) {
      int best = from[b];
      for (int i = from[b]; i < to[b]; i++) {
        if (Math.abs(g[i]) > Math.abs(g[best])) {
          best = i;
        }
      }
      float[] plus = x.clone();
      float[] minus = x.clone();
      plus[best] += 1e-6f;
      minus[best] -= 1e-6f;
      double fd = (net.stochasticGradient(plus, batch, t, w, scratch) - net.stochasticGradient(minus, batch, t, w,
          scratch)) / ((double) plus[best] - minus[best]);
      assertThat(g[best]).as("%s range %d coordinate %d", net.name(), b, best).isNotZero()
          .isCloseTo((float) fd, within((float) (1e-5 * Math.abs(fd) + 1e-8)));
    }
  }

  /** akoun-mnistnet: padded convolutions and dropout on a convolution's input; one weight per layer. */
  @Test
  void akounMnistNetGradientMatchesFiniteDifferences() {
    NetworkModel net = network("akoun-mnistnet", "double");
    // DL4J order: conv b then W (4 layers), dense W then b, output W then b
    int[] weights = {64, 1_664 + 64, 104_128 + 64, 141_056 + 64, 177_984, 579_520};
    int[] ends = {1_664, 104_128, 141_056, 177_984, 579_520 - 128, 580_810 - 10};
    float[] x = net.initialParameters();
    float[] g = new float[net.dimension()];
    net.stochasticGradient(x, 2, 1, 0, g);
    checkLargestInEachRange(net, x, g, 2, 1, 0, weights, ends);
  }

  /**
   * The gemm convolution (the default) and DL4J's own give the same loss and gradient for both CNNs, with dropout
   * on: to 3e-7 of the largest coordinate in double precision (the returned float vector's rounding), to 1e-4 in
   * float.
   */
  @Test
  void gemmAndDl4jConvolutionsGiveTheSameGradient() {
    for (String net : new String[] {"mengoli-cnn", "akoun-mnistnet"}) {
      for (String precision : new String[] {"double", "float"}) {
        NetworkModel gemm = network(net, precision, "gemm");
        NetworkModel dl4j = network(net, precision, "dl4j");
        float[] x = gemm.initialParameters();
        float[] a = new float[gemm.dimension()];
        float[] b = new float[gemm.dimension()];
        double la = gemm.stochasticGradient(x, 4, 5, 3, a);
        double lb = dl4j.stochasticGradient(x, 4, 5, 3, b);
        double max = 0;
        double diff = 0;
        for (int i = 0; i < a.length; i++) {
          max = Math.max(max, Math.abs(b[i]));
          diff = Math.max(diff, Math.abs(a[i] - b[i]));
        }
        double tol = precision.equals("double") ? 3e-7 : 1e-4; // double: the float vector's last bit
        assertThat(max).isGreaterThan(1e-3);
        assertThat(diff).as("%s %s: max |gemm - dl4j| / max |g|", net, precision).isLessThan(tol * max);
        assertThat(la).isCloseTo(lb, within(tol));
      }
    }
  }

  @Test
  void sameIterationAndWorkerGiveTheSameGradientAndOthersDiffer() {
    NetworkModel cnn = network("mengoli-cnn", "float");
    float[] x = cnn.initialParameters();
    float[] a = new float[cnn.dimension()];
    float[] b = new float[cnn.dimension()];
    float[] c = new float[cnn.dimension()];
    double la = cnn.stochasticGradient(x, 16, 7, 4, a);
    double lb = cnn.stochasticGradient(x, 16, 7, 4, b);
    cnn.stochasticGradient(x, 16, 8, 4, c);
    assertThat(lb).isEqualTo(la);
    assertThat(Arrays.equals(a, b)).as("same (t, w): bit-identical gradients").isTrue();
    assertThat(Arrays.equals(a, c)).as("another iteration: another batch and other masks").isFalse();
  }
}
