package org.signsgd.model.conv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Every convolution shape of ResNet-18/50 (He, Zhang, Ren &amp; Sun 2016, "Deep residual learning for image
 * recognition", table 1; torchvision's layers: no bias, identity activation, batch norm after), at small spatial
 * sizes and few channels: the gemm layer's forward output, weight gradient and input gradient equal DL4J's
 * ConvolutionLayer's on the same parameters and batch, within 1e-10 (relative to the largest value) in double
 * precision and 2e-6 in float (measured: below 1e-15 and 2e-7). The spatial sizes are odd or even so that
 * stride 2 both divides exactly and truncates (a last input row or column that no window reads), and height ≠
 * width so that a swap of the two would show. Each case also checks that the gemm helper itself computed both
 * passes (DL4J falls back to its own arithmetic, silently but for a log line, when a helper throws or returns
 * null, and then the comparison would be vacuous) and that without a bias the gradient has W and no b, as
 * DL4J's.
 */
class GemmConvolutionResNetTest {
  /** One convolution: kernel k×k, stride s, padding p, cin → cout channels, input height h and width w. */
  record Conv(String name, int k, int s, int p, int cin, int cout, int h, int w, boolean bias, ConvolutionMode mode) {
    Conv(String name, int k, int s, int p, int cin, int cout, int h, int w, boolean bias) {
      this(name, k, s, p, cin, cout, h, w, bias, ConvolutionMode.Truncate);
    }

    int outH() {
      return (h + 2 * p - k) / s + 1;
    }

    int outW() {
      return (w + 2 * p - k) / s + 1;
    }

    @Override
    public String toString() {
      return name + " " + k + "x" + k + "/" + s + " pad " + p + ", " + cin + "->" + cout + " on " + h + "x" + w
          + (bias ? ", bias" : ", no bias") + ", " + mode;
    }
  }

  private static final List<Conv> CONVS = List.of(
      // stem: (16 + 6 − 7)/2 truncates in height, (15 + 6 − 7)/2 divides exactly in width
      new Conv("stem", 7, 2, 3, 3, 4, 16, 15, false),
      new Conv("basic/bottleneck 3x3", 3, 1, 1, 3, 4, 9, 8, false),
      // first block of a stage: (9 + 2 − 3)/2 exact in height, (10 + 2 − 3)/2 truncates in width
      new Conv("downsampling 3x3", 3, 2, 1, 3, 5, 9, 10, false),
      new Conv("bottleneck 1x1", 1, 1, 0, 4, 6, 9, 7, false),
      // projection shortcut: (10 − 1)/2 truncates in height, (9 − 1)/2 exact in width
      new Conv("projection shortcut 1x1", 1, 2, 0, 4, 6, 10, 9, false),
      // the same geometry with a bias, so that both branches of the helper are compared
      new Conv("downsampling 3x3", 3, 2, 1, 3, 5, 9, 10, true),
      // Strict mode: the same arithmetic, on a size where stride 2 divides exactly (DL4J rejects any other)
      new Conv("downsampling 3x3", 3, 2, 1, 3, 5, 9, 11, false, ConvolutionMode.Strict));

  static Stream<Arguments> cases() {
    List<Arguments> a = new ArrayList<>();
    for (DataType t : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      for (Conv c : CONVS) {
        a.add(Arguments.of(c, t));
      }
    }
    return a.stream();
  }

  private static MultiLayerNetwork net(Conv c, boolean gemm, DataType type) {
    ConvolutionLayer.Builder b = gemm ? new GemmConvolution.Builder(c.k(), c.k())
        : new ConvolutionLayer.Builder(c.k(), c.k());
    b.stride(c.s(), c.s()).padding(c.p(), c.p())
        .convolutionMode(c.mode())
        .hasBias(c.bias())
        .nOut(c.cout()).activation(Activation.IDENTITY);
    MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).dataType(type)
        .weightInit(WeightInit.XAVIER).updater(new NoOp()).list()
        .layer(b.build())
        .layer(new CnnLossLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).build())
        .setInputType(InputType.convolutional(c.h(), c.w(), c.cin())).build());
    n.init();
    return n;
  }

  private static INDArray random(SplittableRandom r, DataType type, long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return Nd4j.create(r.doubles(n, -1, 1).toArray(), shape, 'c').castTo(type);
  }

  /** max |actual − expected| / max |expected|, after checking expected is not trivially small. */
  private static double relativeError(INDArray actual, INDArray expected) {
    assertThat(actual.shape()).isEqualTo(expected.shape());
    double scale = expected.castTo(DataType.DOUBLE).amaxNumber().doubleValue();
    assertThat(scale).as("reference magnitude").isGreaterThan(1e-4);
    return actual.castTo(DataType.DOUBLE).sub(expected.castTo(DataType.DOUBLE)).amaxNumber().doubleValue() / scale;
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("cases")
  void outputWeightGradientAndInputGradientEqualDl4js(Conv c, DataType type) {
    double tolerance = type == DataType.DOUBLE ? 1e-10 : 2e-6;
    MultiLayerNetwork dl4j = net(c, false, type);
    MultiLayerNetwork gemm = net(c, true, type);
    assertThat(dl4j.getLayer(0)).isNotInstanceOf(GemmConvolutionLayer.class);
    GemmConvolutionLayer layer = (GemmConvolutionLayer) gemm.getLayer(0);
    assertThat(gemm.numParams()).isEqualTo((long) c.cout() * c.cin() * c.k() * c.k() + (c.bias() ? c.cout() : 0));
    SplittableRandom r = new SplittableRandom(c.hashCode());
    INDArray params = random(r, type, 1, dl4j.numParams());
    dl4j.setParams(params.dup());
    gemm.setParams(params.dup());
    INDArray x = random(r, type, 2, c.cin(), c.h(), c.w());
    INDArray y = random(r, type, 2, c.cout(), c.outH(), c.outW());

    INDArray zd = dl4j.output(x, false).dup();
    INDArray zg = gemm.output(x, false).dup();
    assertThat(zg.shape()).isEqualTo(new long[] {2, c.cout(), c.outH(), c.outW()});
    assertThat(relativeError(zg, zd)).as("forward output").isLessThan(tolerance);

    Pair<Gradient, INDArray> pd = dl4j.calculateGradients(x, y, null, null);
    Pair<Gradient, INDArray> pg = gemm.calculateGradients(x, y, null, null);
    List<String> expectedKeys = c.bias() ? List.of("0_b", "0_W") : List.of("0_W");
    assertThat(pd.getFirst().gradientForVariable().keySet()).containsExactlyInAnyOrderElementsOf(expectedKeys);
    assertThat(pg.getFirst().gradientForVariable().keySet()).containsExactlyInAnyOrderElementsOf(expectedKeys);
    for (String key : expectedKeys) {
      assertThat(relativeError(pg.getFirst().getGradientFor(key), pd.getFirst().getGradientFor(key)))
          .as("gradient " + key).isLessThan(tolerance);
    }
    assertThat(relativeError(pg.getSecond(), pd.getSecond())).as("input gradient").isLessThan(tolerance);
    assertThat(pg.getSecond().shape()).isEqualTo(x.shape());

    assertThat(layer.helperFailures()).as("helper exceptions DL4J caught").isZero();
    // output() once, the training forward pass once; identity keeps its output, so backprop does not recompute it
    assertThat(layer.gemmHelper().forwards()).as("forward passes on the gemm path").isEqualTo(2);
    assertThat(layer.gemmHelper().backwards()).as("backward passes on the gemm path").isEqualTo(1);
  }

  private static ConvolutionLayer resNetConv(boolean gemm, int k, int s, int p, int out) {
    ConvolutionLayer.Builder b = gemm ? new GemmConvolution.Builder(k, k) : new ConvolutionLayer.Builder(k, k);
    return b.stride(s, s).padding(p, p).convolutionMode(ConvolutionMode.Truncate).hasBias(false).nOut(out)
        .activation(Activation.IDENTITY).build();
  }

  /** Stem, batch norm, ReLU, 3×3/1, batch norm, ReLU, 3×3/2, batch norm, 1×1/2, average pool, softmax. */
  private static MultiLayerNetwork block(boolean gemm) {
    MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(4)
        .dataType(DataType.DOUBLE).weightInit(WeightInit.XAVIER).updater(new NoOp()).list()
        .layer(resNetConv(gemm, 7, 2, 3, 4)).layer(new BatchNormalization.Builder().build())
        .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
        .layer(resNetConv(gemm, 3, 1, 1, 4)).layer(new BatchNormalization.Builder().build())
        .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
        .layer(resNetConv(gemm, 3, 2, 1, 6)).layer(new BatchNormalization.Builder().build())
        .layer(resNetConv(gemm, 1, 2, 0, 5))
        .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(17, 16, 3)).build());
    n.init();
    return n;
  }

  /**
   * ResNet's pattern, conv (no bias, identity) → batch norm → ReLU, four convolutions deep in double precision:
   * the score, the whole gradient (every convolution's W, every batch norm's γ and β) and the input gradient
   * equal DL4J's within 1e-10, and every convolution ran on the gemm path.
   */
  @Test
  void aResNetLikeStackOfConvolutionsAndBatchNormsHasDl4jsGradient() {
    MultiLayerNetwork dl4j = block(false);
    MultiLayerNetwork gemm = block(true);
    gemm.setParams(dl4j.params().dup());
    SplittableRandom r = new SplittableRandom(21);
    INDArray x = random(r, DataType.DOUBLE, 4, 3, 17, 16);
    INDArray y = Nd4j.zeros(DataType.DOUBLE, 4, 3);
    for (int i = 0; i < 4; i++) {
      y.putScalar(i, i % 3, 1.0);
    }
    Pair<Gradient, INDArray> pd = dl4j.calculateGradients(x, y, null, null);
    Pair<Gradient, INDArray> pg = gemm.calculateGradients(x, y, null, null);
    assertThat(pg.getFirst().gradientForVariable().keySet())
        .containsExactlyInAnyOrderElementsOf(pd.getFirst().gradientForVariable().keySet())
        .contains("0_W", "3_W", "6_W", "8_W").doesNotContain("0_b", "3_b", "6_b", "8_b");
    assertThat(relativeError(gemm.getGradientsViewArray(), dl4j.getGradientsViewArray())).as("gradient")
        .isLessThan(1e-10);
    assertThat(relativeError(pg.getSecond(), pd.getSecond())).as("input gradient").isLessThan(1e-10);
    dl4j.setInput(x);
    dl4j.setLabels(y);
    gemm.setInput(x);
    gemm.setLabels(y);
    dl4j.computeGradientAndScore();
    gemm.computeGradientAndScore();
    assertThat(gemm.score()).isCloseTo(dl4j.score(), org.assertj.core.api.Assertions.within(1e-12));
    assertThat(relativeError(gemm.output(x, false), dl4j.output(x, false))).as("output").isLessThan(1e-10);
    for (int i : new int[] {0, 3, 6, 8}) {
      GemmConvolutionLayer c = (GemmConvolutionLayer) gemm.getLayer(i);
      assertThat(c.helperFailures()).as("layer " + i + " fell back").isZero();
      assertThat(c.gemmHelper().backwards()).as("layer " + i + " backward passes").isEqualTo(2);
    }
  }
}
