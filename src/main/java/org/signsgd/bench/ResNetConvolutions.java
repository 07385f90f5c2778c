package org.signsgd.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.signsgd.model.conv.GemmConvolution;

/**
 * Single convolutions of ResNet-18/50 (He, Zhang, Ren &amp; Sun 2016, "Deep residual learning for image
 * recognition", table 1) at ImageNet sizes, float, no bias, identity activation, one thread: one forward pass and
 * one training forward pass followed by the backward pass (weight and input gradients, from a given gradient at
 * the output) of the convolution layer itself, this project's gemm convolution against DL4J's built-in one.
 * FLOPs: a forward pass is 2·k²·Cin·Cout·Hout·Wout per image, and the backward pass twice that (∂W and ∂x), so
 * forward+backward ≈ 3×.
 */
final class ResNetConvolutions {
  private ResNetConvolutions() {}

  /** A k×k stride-s padding-p convolution, cin → cout channels, on a size×size input. */
  record Conv(String name, int k, int s, int p, int cin, int cout, int size) {
    int out() {
      return (size + 2 * p - k) / s + 1;
    }

    /** Forward FLOPs for {@code batch} images. */
    double forwardFlops(int batch) {
      return 2.0 * k * k * cin * cout * out() * out() * batch;
    }

    Conv scaled(int by) {
      return new Conv(name, k, s, p, Math.max(1, cin / by), Math.max(1, cout / by), Math.max(k, size / by));
    }

    String describe() {
      return name + " " + geometry();
    }

    String geometry() {
      return k + "x" + k + "/" + s + ", " + cin + "->" + cout + ", " + size + "x" + size;
    }
  }

  /** The stem, the stride-1 and stride-2 3×3 ones, and the 1×1 ones (a bottleneck's and a projection's). */
  static final List<Conv> CONVS = List.of(
      new Conv("stem", 7, 2, 3, 3, 64, 224),
      new Conv("basic block (layer1)", 3, 1, 1, 64, 64, 56),
      new Conv("basic block (layer2)", 3, 1, 1, 128, 128, 28),
      new Conv("bottleneck 3x3 stride 2 (ResNet-50 layer2)", 3, 2, 1, 128, 128, 56),
      new Conv("bottleneck 1x1 (ResNet-50 layer3)", 1, 1, 0, 256, 256, 14),
      new Conv("projection shortcut 1x1 stride 2 (ResNet-50 layer2)", 1, 2, 0, 256, 512, 56));

  /** One measurement: median ms of a forward pass and of a forward+backward pass. */
  record Timing(Conv conv, int batch, boolean gemm, double forwardMs, double gradientMs) {
    double forwardGflops() {
      return conv.forwardFlops(batch) / forwardMs / 1e6;
    }

    double gradientGflops() {
      return 3 * conv.forwardFlops(batch) / gradientMs / 1e6;
    }
  }

  private static MultiLayerNetwork net(Conv c, boolean gemm) {
    ConvolutionLayer.Builder b = gemm ? new GemmConvolution.Builder(c.k(), c.k())
        : new ConvolutionLayer.Builder(c.k(), c.k());
    b.stride(c.s(), c.s()).padding(c.p(), c.p()).convolutionMode(ConvolutionMode.Truncate).hasBias(false)
        .nOut(c.cout()).activation(Activation.IDENTITY);
    MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5)
        .dataType(DataType.FLOAT).weightInit(WeightInit.XAVIER).updater(new NoOp()).list()
        .layer(b.build())
        .layer(new CnnLossLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).build())
        .setInputType(InputType.convolutional(c.size(), c.size(), c.cin())).build());
    n.init();
    return n;
  }

  /**
   * Both convolutions on every layer of {@link #CONVS} (channels and size divided by 4 when {@code quick}), with
   * ND4J and OpenBLAS held to one thread for the measurement; gemm first, then DL4J's, for each layer. The
   * forward pass alone is measured only when {@code forwardOnlyToo} (NaN otherwise).
   */
  static List<Timing> measure(boolean quick, int batch, boolean forwardOnlyToo) {
    int ompBefore = Nd4j.getEnvironment().maxThreads();
    int blasBefore = Nd4j.factory().blas().getMaxThreads();
    Nd4j.getEnvironment().setMaxThreads(1);
    Nd4j.factory().blas().setMaxThreads(1);
    try {
      List<Timing> out = new ArrayList<>();
      for (Conv full : CONVS) {
        Conv c = quick ? full.scaled(4) : full;
        SplittableRandom r = new SplittableRandom(9);
        INDArray x = Nd4j.create(r.doubles((long) batch * c.cin() * c.size() * c.size(), -1, 1).toArray(),
            new long[] {batch, c.cin(), c.size(), c.size()}, 'c').castTo(DataType.FLOAT);
        INDArray dz = Nd4j.create(r.doubles((long) batch * c.cout() * c.out() * c.out(), -1, 1).toArray(),
            new long[] {batch, c.cout(), c.out(), c.out()}, 'c').castTo(DataType.FLOAT);
        for (boolean gemm : new boolean[] {true, false}) {
          MultiLayerNetwork n = net(c, gemm);
          n.initGradientsView();
          Layer layer = n.getLayer(0);
          LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
          int warmup = quick || !forwardOnlyToo ? 1 : 2;
          int reps = quick ? 2 : forwardOnlyToo ? 5 : 3;
          double fwd = forwardOnlyToo ? Measure.medianMs(warmup, reps, () -> {
            layer.setInput(x, mgr);
            layer.activate(false, mgr);
          }) : Double.NaN;
          double grad = Measure.medianMs(warmup, reps, () -> {
            layer.setInput(x, mgr);
            layer.activate(true, mgr);
            layer.backpropGradient(dz, mgr);
          });
          layer.clear();
          out.add(new Timing(c, batch, gemm, fwd, grad));
        }
      }
      return out;
    } finally {
      Nd4j.getEnvironment().setMaxThreads(ompBefore);
      Nd4j.factory().blas().setMaxThreads(blasBefore);
    }
  }

  /**
   * Prints the table: {@code OMP_NUM_THREADS=1 java -cp ... org.signsgd.bench.ResNetConvolutions [batch] [quick]}
   * ({@code quick}: the bench's reduced sizes).
   */
  public static void main(String[] args) {
    int batch = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    boolean quick = args.length > 1 && args[1].equals("quick");
    System.out.printf("%-70s %5s %9s %9s %11s %11s%n", "layer, batch " + batch + ", float, 1 thread", "conv",
        "fwd ms", "fwd GF/s", "fwd+bwd ms", "f+b GF/s");
    for (Timing t : measure(quick, batch, true)) {
      System.out.printf("%-70s %5s %9.1f %9.1f %11.1f %11.1f%n", t.conv().describe(), t.gemm() ? "gemm" : "DL4J",
          t.forwardMs(), t.forwardGflops(), t.gradientMs(), t.gradientGflops());
    }
  }
}
