package org.signsgd.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.signsgd.data.LabelledData;
import org.signsgd.data.Shards;

/**
 * ResNet-18 as a GradientModel on a tiny synthetic image set (32 px, 3 classes): the gradient holds the
 * trainable parameters only, BN running statistics never reach a gradient or an evaluation, results are
 * deterministic across threads, and the gradient matches finite differences in double precision.
 */
class GraphModelTest {
  private static final int SIZE = 32;
  private static final int CLASSES = 3;
  private static final int TRAIN = 48;
  private static final int TEST = 12;
  private static final int INPUTS = 3 * SIZE * SIZE;
  /** resnet18's BN channels: 64 + 4·64 + (4·128 + 128) + (4·256 + 256) + (4·512 + 512). */
  private static final int BN_CHANNELS = 4_800;

  /** Pixel p of row i: a class pattern plus a row-dependent wiggle; train and test rows differ. */
  private static void row(int i, boolean train, float[] x, int at) {
    int c = i % CLASSES;
    double phase = train ? i * 0.731 : 100 + i * 0.377;
    for (int p = 0; p < INPUTS; p++) {
      x[at + p] = (float) (Math.sin(0.013 * (c + 1) * p + c) + 0.3 * Math.sin(phase + 0.05 * p));
    }
  }

  private static void oneHot(int i, float[] y, int at) {
    Arrays.fill(y, at, at + CLASSES, 0f);
    y[at + i % CLASSES] = 1f;
  }

  /**
   * The data as a proxy of {@link LabelledData}: a proxy answers only the calls the tests make
   * ({@code trainClasses()} is null: no non-IID sharding here).
   * Augmentation: a horizontal flip of the whole row with probability ½.
   */
  static LabelledData data() {
    return (LabelledData) Proxy.newProxyInstance(LabelledData.class.getClassLoader(),
        new Class<?>[] {LabelledData.class}, (proxy, method, args) -> switch (method.getName()) {
          case "inputs" -> INPUTS;
          case "outputs" -> CLASSES;
          case "classification" -> true;
          case "trainSize" -> TRAIN;
          case "testSize" -> TEST;
          case "trainClasses" -> null;
          case "takeBadImages" -> 0L;
          case "train" -> {
            int[] idx = (int[]) args[0];
            RandomGenerator aug = (RandomGenerator) args[1];
            for (int r = 0; r < idx.length; r++) {
              row(idx[r], true, (float[]) args[2], r * INPUTS);
              oneHot(idx[r], (float[]) args[3], r * CLASSES);
              if (aug != null && aug.nextBoolean()) {
                mirror((float[]) args[2], r * INPUTS);
              }
            }
            yield null;
          }
          case "test" -> {
            for (int i = (int) args[0]; i < (int) args[1]; i++) {
              row(i, false, (float[]) args[2], (i - (int) args[0]) * INPUTS);
              oneHot(i, (float[]) args[3], (i - (int) args[0]) * CLASSES);
            }
            yield null;
          }
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          case "toString" -> "synthetic images";
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  private static void mirror(float[] x, int at) {
    for (int ch = 0; ch < 3; ch++) {
      for (int y = 0; y < SIZE; y++) {
        int rowStart = at + (ch * SIZE + y) * SIZE;
        for (int a = rowStart, b = rowStart + SIZE - 1; a < b; a++, b--) {
          float t = x[a];
          x[a] = x[b];
          x[b] = t;
        }
      }
    }
  }

  private static GraphModel model(DataType type) {
    return new GraphModel("resnet18", CLASSES, SIZE, type, false, data(), new Shards(TRAIN, 4, 11), 11, true);
  }

  /** One float model for the tests (its x₀ is built once; every thread builds its own network once). */
  private static final GraphModel FLOAT = model(DataType.FLOAT);
  private static final float[] X0 = FLOAT.initialParameters();

  /** Garbage in every BN running mean and variance of this thread's network. */
  private static void poison(ComputationGraph g) {
    for (Layer l : g.getLayers()) {
      if (l.paramTable().containsKey("mean")) {
        l.getParam("mean").assign(123.0);
        l.getParam("var").assign(1e-4);
      }
    }
  }

  @Test
  void dimensionAndGradientAreTheTrainableParametersOnly() {
    GraphModel m = FLOAT;
    assertThat(m.dimension()).isEqualTo(ResNets.trainableCount("resnet18", CLASSES)).isEqualTo(11_178_051);
    assertThat(X0).hasSize(m.dimension());
    assertThat(m.graph().numParams()).isEqualTo(m.dimension() + 2L * BN_CHANNELS);
    float[] g = new float[m.dimension()];
    double loss = m.stochasticGradient(X0, 4, 0, 1, g);
    assertThat(loss).isBetween(0.3, 5.0);
    // at 32 px layer4's maps are 1×1, so its 3×3 convs (3/4 of d) see input at the centre tap only
    assertThat(nonZero(g)).isGreaterThan(m.dimension() / 3);
    assertThatThrownBy(() -> m.stochasticGradient(X0, 4, 0, 1, new float[m.dimension() + 2
        * BN_CHANNELS])).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("resnet18: a gradient buffer of 11187651; expected d=11178051");
  }

  private static int nonZero(float[] v) {
    int n = 0;
    for (float f : v) {
      n += f != 0f ? 1 : 0;
    }
    return n;
  }

  /**
   * Garbage in the thread's BN statistics changes evaluation-mode outputs (they are not inert), yet neither a
   * gradient (training mode: batch statistics) nor an evaluation (which recalibrates them first).
   */
  @Test
  void runningStatisticsChangeNeitherGradientNorEvaluation() {
    GraphModel m = FLOAT;
    float[] x = X0;
    float[] a = new float[m.dimension()];
    float[] b = new float[m.dimension()];
    double la = m.stochasticGradient(x, 2, 3, 2, a);
    GradientModel.Evaluation e = m.evaluate(x);
    assertThat(e.accuracy()).isBetween(0.0, 1.0);
    assertThat(e.loss()).isPositive().isFinite();
    INDArray probe = NetworkModel.floats(Arrays.copyOf(m.calibrationInputs(0), 2 * INPUTS), new long[] {2, INPUTS});
    float[] calibrated = m.graph().output(false, probe)[0].ravel().toFloatVector();
    poison(m.graph());
    assertThat(m.graph().output(false, probe)[0].ravel().toFloatVector()).isNotEqualTo(calibrated);
    double lb = m.stochasticGradient(x, 2, 3, 2, b);
    assertThat(lb).isEqualTo(la);
    assertThat(Arrays.equals(a, b)).as("gradient with garbage BN statistics: the same bits").isTrue();
    assertThat(m.evaluate(x)).isEqualTo(e);
    assertThat(m.graph().output(false, probe)[0].ravel().toFloatVector()).containsExactly(calibrated);
  }

  /**
   * After an evaluation, bn1's running mean is the average over the calibration passes of conv1's channel
   * means, and the last BN's running variance the average of its input's unbiased channel variances.
   */
  @Test
  void calibrationSetsTheExactBatchStatistics() {
    GraphModel m = FLOAT;
    float[] x = X0;
    m.evaluate(x);
    ComputationGraph g = m.graph();
    double[] mean = new double[64];
    double[] var = new double[512];
    for (int k = 0; k < GraphModel.CALIBRATION_BATCHES; k++) {
      int n = GraphModel.CALIBRATION_BATCH;
      Map<String, INDArray> acts = g.feedForward(NetworkModel.floats(m.calibrationInputs(k), new long[] {n,
          INPUTS}), true);
      add(mean, acts.get("conv1").mean(0, 2, 3));
      add(var, acts.get("layer4.1.conv2").var(true, 0, 2, 3));
    }
    float[] bnMean = g.getLayer("bn1").getParam("mean").toFloatVector();
    float[] bnVar = g.getLayer("layer4.1.bn2").getParam("var").toFloatVector();
    for (int c = 0; c < 64; c++) {
      assertThat(bnMean[c]).isCloseTo((float) mean[c], within((float) (1e-5 * Math.abs(mean[c]) + 1e-7)));
    }
    for (int c = 0; c < 512; c++) {
      assertThat(bnVar[c]).isCloseTo((float) var[c], within((float) (1e-5 * var[c] + 1e-9)));
    }
    assertThat(Arrays.stream(var).min().orElseThrow()).as("1×1 maps of 16 images: a real spread")
        .isGreaterThan(1e-6);
    int[] idx = GraphModel.distinct(TRAIN, GraphModel.CALIBRATION_BATCH, RandomGenerator.of("L64X128MixRandom"));
    assertThat(idx).hasSize(GraphModel.CALIBRATION_BATCH).doesNotHaveDuplicates();
    assertThat(Arrays.stream(idx).min().orElseThrow()).isNotNegative();
    assertThat(Arrays.stream(idx).max().orElseThrow()).isLessThan(TRAIN);
  }

  private static void add(double[] sum, INDArray v) {
    double[] a = v.castTo(DataType.DOUBLE).toDoubleVector();
    for (int i = 0; i < a.length; i++) {
      sum[i] += a[i] / GraphModel.CALIBRATION_BATCHES;
    }
  }

  @Test
  void sameIterationAndWorkerGiveTheSameBitsInAnyThread() throws InterruptedException {
    GraphModel m = FLOAT;
    float[] x = X0;
    float[] a = new float[m.dimension()];
    float[] b = new float[m.dimension()];
    float[] c = new float[m.dimension()];
    float[] other = new float[m.dimension()];
    m.stochasticGradient(x, 2, 7, 3, a);
    m.stochasticGradient(x, 2, 7, 3, b);
    m.stochasticGradient(x, 2, 8, 3, other);
    GradientModel.Evaluation e = m.evaluate(x);
    AtomicReference<GradientModel.Evaluation> fresh = new AtomicReference<>();
    Thread t = new Thread(() -> {
      m.stochasticGradient(x, 2, 7, 3, c);
      fresh.set(m.evaluate(x));
    });
    t.start();
    t.join();
    assertThat(Arrays.equals(a, b)).as("same (t, w) twice").isTrue();
    assertThat(Arrays.equals(a, c)).as("same (t, w) in a fresh thread, a fresh network").isTrue();
    assertThat(Arrays.equals(a, other)).as("another iteration: another batch").isFalse();
    assertThat(fresh.get()).isEqualTo(e);
    float[] flipped = new float[m.dimension()];
    m.stochasticGradient(x, 2, 7, 3, flipped, true);
    assertThat(Arrays.equals(a, flipped)).as("flipped labels").isFalse();
  }

  /**
   * Double precision, batch 8: in each of stem conv W (the whole backward pass behind it), bn1 γ, bn1 β, the
   * blocks, fc W and fc b (x's order), the coordinate with the largest |g| against a central difference of the
   * batch loss (a training-mode forward pass), h = 1e-6, to 1e-5 relative. (Smaller
   * batches are ill-conditioned at 32 px, where layer4's BN normalises batch × 1 × 1 values per channel: at batch
   * 2, |g| reaches 1e4 and the central difference misses by a factor 2; at batch 4 by 4e-4 relative.)
   */
  @Test
  void gradientMatchesFiniteDifferencesInDouble() {
    int batch = 8;
    GraphModel m = model(DataType.DOUBLE);
    int d = m.dimension();
    int[] from = {0, 9_408, 9_472, 9_536, d - 512 * CLASSES - CLASSES, d - CLASSES};
    int[] to = {9_408, 9_472, 9_536, d - 512 * CLASSES - CLASSES, d - CLASSES, d};
    float[] x = m.initialParameters();
    float[] g = new float[d];
    double loss = m.stochasticGradient(x, batch, 5, 1, g);
    assertThat(m.batchLoss(x, batch, 5, 1)).isCloseTo(loss, within(1e-12));
    for (int r = 0; r < from.length; r++) {
      int best = from[r];
      for (int i = from[r]; i < to[r]; i++) {
        best = Math.abs(g[i]) > Math.abs(g[best]) ? i : best;
      }
      float[] plus = x.clone();
      float[] minus = x.clone();
      plus[best] += 1e-6f;
      minus[best] -= 1e-6f;
      double fd = (m.batchLoss(plus, batch, 5, 1) - m.batchLoss(minus, batch, 5, 1))
          / ((double) plus[best] - minus[best]);
      assertThat(g[best]).as("range %d coordinate %d", r, best).isNotZero()
          .isCloseTo((float) fd, within((float) (1e-5 * Math.abs(fd) + 1e-8)));
    }
  }

  /** The gemm convolution (the default) and DL4J's give ResNet-18 the same gradient, in double. */
  @Test
  void gemmAndDl4jConvolutionsGiveTheSameGradient() {
    GraphModel dl4j = model(DataType.DOUBLE);
    GraphModel gemm = new GraphModel("resnet18", CLASSES, SIZE, DataType.DOUBLE, true, data(),
        new Shards(TRAIN, 4, 11), 11, true);
    float[] x = dl4j.initialParameters();
    assertThat(gemm.initialParameters()).isEqualTo(x);
    float[] a = new float[dl4j.dimension()];
    float[] b = new float[gemm.dimension()];
    double la = dl4j.stochasticGradient(x, 8, 2, 3, a);
    double lb = gemm.stochasticGradient(x, 8, 2, 3, b);
    assertThat(lb).isCloseTo(la, within(1e-12));
    double max = 0;
    double diff = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i]));
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
    }
    assertThat(max).isPositive();
    // both in double, rounded to float on the way out: at most a float rounding apart
    assertThat(diff).isLessThanOrEqualTo(1e-6 * max);
  }

  @Test
  void badInputIsOneLine() {
    assertThatThrownBy(() -> new GraphModel("resnet18", 5, SIZE, DataType.FLOAT, false, data(),
        new Shards(TRAIN, 4, 1), 1, false)).isInstanceOf(IllegalArgumentException.class).hasMessage(
            "resnet18: data rows of 3072 inputs and 3 outputs; expected 3·32·32 = 3072 inputs and 5 classes");
    assertThatThrownBy(() -> new GraphModel("resnet18", 3, SIZE, DataType.HALF, false, data(),
        new Shards(TRAIN, 4, 1), 1, false)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("resnet18: precision=HALF; allowed: FLOAT, DOUBLE");
    assertThatThrownBy(() -> FLOAT.stochasticGradient(new float[7], 2, 0, 0, new float[FLOAT.dimension()]))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("resnet18: a parameter vector of d=7; expected d=11178051");
  }
}
