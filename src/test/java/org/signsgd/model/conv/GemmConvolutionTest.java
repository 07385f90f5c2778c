package org.signsgd.model.conv;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The gemm convolution computes DL4J's function and gradient: stride 2, padding, several channels, two stacked
 * layers (the second reads the first's output), a tanh layer (no kept forward output) and dropout, in double
 * precision, against DL4J's built-in layer on the same parameters, masks and batch.
 */
class GemmConvolutionTest {
  private static MultiLayerNetwork net(boolean gemm) {
    NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE)
        .weightInit(WeightInit.XAVIER).updater(new NoOp()).list();
    b.layer(conv(gemm, 3, 2, 1, Activation.RELU, 1)).layer(conv(gemm, 4, 1, 2, Activation.TANH, 0.8))
        .layer(conv(gemm, 5, 1, 0, Activation.RELU, 1))
        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(4).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(9, 8, 2));
    MultiLayerConfiguration conf = b.build();
    MultiLayerNetwork n = new MultiLayerNetwork(conf);
    n.init();
    return n;
  }

  private static ConvolutionLayer conv(boolean gemm, int out, int stride, int pad, Activation a, double keep) {
    ConvolutionLayer.Builder c = (gemm ? new GemmConvolution.Builder(3, 3) : new ConvolutionLayer.Builder(3, 3))
        .stride(stride, stride).padding(pad, pad).convolutionMode(ConvolutionMode.Truncate).nOut(out).activation(a);
    if (keep < 1) {
      c.dropOut(keep);
    }
    return c.build();
  }

  @Test
  void gradientAndOutputEqualDl4jsOwnConvolution() {
    MultiLayerNetwork dl4j = net(false);
    MultiLayerNetwork gemm = net(true);
    assertThat(gemm.getLayer(0)).isInstanceOf(GemmConvolutionLayer.class);
    assertThat(dl4j.getLayer(0)).isNotInstanceOf(GemmConvolutionLayer.class);
    gemm.setParams(dl4j.params().dup());
    java.util.SplittableRandom r0 = new java.util.SplittableRandom(11);
    INDArray x = Nd4j.create(r0.doubles(5 * 2 * 9 * 8, -1, 1).toArray(), new long[] {5, 2, 9, 8}, 'c');
    INDArray y = Nd4j.zeros(DataType.DOUBLE, 5, 4);
    for (int r = 0; r < 5; r++) {
      y.putScalar(r, r % 4, 1.0);
    }
    for (MultiLayerNetwork n : new MultiLayerNetwork[] {dl4j, gemm}) {
      n.setInput(x);
      n.setLabels(y);
      Nd4j.getRandom().setSeed(42);
      n.computeGradientAndScore();
    }
    INDArray gd = dl4j.gradient().gradient();
    INDArray gg = gemm.gradient().gradient();
    assertThat(gd.norm2Number().doubleValue()).isGreaterThan(1e-3);
    assertThat(gg.sub(gd).normmaxNumber().doubleValue()).isLessThan(1e-12 * gd.normmaxNumber().doubleValue() + 1e-14);
    assertThat(gemm.score()).isEqualTo(dl4j.score(), org.assertj.core.api.Assertions.within(1e-12));
    INDArray od = dl4j.output(x, false);
    INDArray og = gemm.output(x, false);
    assertThat(og.sub(od).normmaxNumber().doubleValue()).isLessThan(1e-12);
  }

  /** An input that is a view starting inside a larger buffer (a batch sliced out of a bigger one). */
  @Test
  void aViewWithAnOffsetIsReadFromWhereItStarts() {
    java.util.SplittableRandom r0 = new java.util.SplittableRandom(12);
    INDArray all = Nd4j.create(r0.doubles(6 * 2 * 9 * 8, -1, 1).toArray(), new long[] {6, 2, 9, 8}, 'c');
    INDArray view = all.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 6),
        org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
        org.nd4j.linalg.indexing.NDArrayIndex.all());
    assertThat(view.offset()).isEqualTo(2 * 9 * 8);
    INDArray w = Nd4j.create(r0.doubles(3 * 2 * 3 * 3, -1, 1).toArray(), new long[] {3, 2, 3, 3}, 'c');
    INDArray bias = Nd4j.create(new double[] {0.1, -0.2, 0.3}, new long[] {1, 3}, 'c');
    INDArray[] z = new INDArray[2];
    INDArray[] inputs = {view, view.dup('c')};
    for (int k = 0; k < 2; k++) {
      z[k] = new GemmConvolutionHelper(true).preOutput(inputs[k], w, bias, new int[] {3, 3}, new int[] {1, 1},
          new int[] {0, 0}, null, null, ConvolutionMode.Truncate, new int[] {1, 1},
          org.deeplearning4j.nn.conf.CNN2DFormat.NCHW,
          org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
    }
    assertThat(z[0].sub(z[1]).normmaxNumber().doubleValue()).isEqualTo(0.0);
    assertThat(z[1].normmaxNumber().doubleValue()).isGreaterThan(0.1);
  }
}
