package org.signsgd.model;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.signsgd.model.conv.GemmConvolution;

/**
 * ResNet-18 and ResNet-50 (He, Zhang, Ren, Sun, "Deep Residual Learning for Image Recognition", CVPR 2016,
 * arXiv:1512.03385, Table 1) as torchvision builds them, as DL4J {@link ComputationGraphConfiguration}s:
 * stem conv 7×7/2 pad 3 → BN → ReLU → max pool 3×3/2 pad 1; four stages of 64, 128, 256, 512 planes with
 * BasicBlocks ×[2, 2, 2, 2] (resnet18) or Bottlenecks ×[3, 4, 6, 3] (resnet50, expansion 4, the stride on the
 * 3×3 conv: torchvision's "ResNet v1.5"); every conv bias-free and followed by batch normalisation (Ioffe,
 * Szegedy, "Batch Normalization", ICML 2015, arXiv:1502.03167); a projection shortcut (1×1 conv with the
 * block's stride, then BN) where the shape changes; add, then ReLU; global average pool; fc with bias →
 * softmax + cross-entropy. Vertex names follow torchvision's state_dict ({@code layer2.0.downsample.0}).
 *
 * <p>Input: rows of 3·s·s values, an image in c-order CHW. All convs use {@link ConvolutionMode#Truncate} with
 * explicit padding, so every output side is ⌊(s + 2p − k)/stride⌋ + 1 as in PyTorch.
 *
 * <p>Initialisation as torchvision's: conv weights N(0, 2/fan_out), fan_out = out channels·k·k (He et al.
 * 2015, "Delving Deep into Rectifiers", mode fan_out); BN γ = 1, β = 0; fc weights U(−1/√fan_in, 1/√fan_in)
 * (PyTorch's Linear default). One difference: the fc bias starts at 0 (PyTorch draws it from the same
 * uniform). No updater: the job computes gradients only.
 */
public final class ResNets {
  public static final List<String> NAMES = List.of("resnet18", "resnet50");
  /** The smallest side that survives the five stride-2 downsamplings (32 → 16 → 8 → 4 → 2 → 1). */
  public static final int MIN_IMAGE_SIZE = 32;
  /** The largest side accepted (3·s·s must fit an int row). */
  public static final int MAX_IMAGE_SIZE = 2048;
  public static final int MAX_CLASSES = 1_000_000;
  /** PyTorch's BatchNorm2d defaults: ε = 1e-5, momentum 0.1 (DL4J's decay = 1 − momentum). */
  static final double BN_EPS = 1e-5;
  static final double BN_DECAY = 0.9;
  private static final int[] PLANES = {64, 128, 256, 512};

  private ResNets() {}

  public static boolean known(String name) {
    return NAMES.contains(name);
  }

  /**
   * The network's configuration.
   *
   * @param imageSize s, the side of the square input (3 × s × s)
   * @param gemmConv convolutions through {@link GemmConvolution} instead of DL4J's {@link ConvolutionLayer}
   */
  public static ComputationGraphConfiguration config(String name, int numClasses, int imageSize, long seed,
      DataType type, boolean gemmConv) {
    check(name, numClasses, imageSize);
    GraphBuilder g = new NeuralNetConfiguration.Builder().seed(seed).dataType(type).updater(new NoOp())
        .convolutionMode(ConvolutionMode.Truncate).graphBuilder().addInputs("input")
        .setInputTypes(InputType.convolutionalFlat(imageSize, imageSize, 3));
    String last = convBn(g, gemmConv, "conv1", "bn1", "input", 64, 7, 2, 3);
    g.addLayer("relu", relu(), last);
    g.addLayer("maxpool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(3, 3)
        .stride(2, 2).padding(1, 1).convolutionMode(ConvolutionMode.Truncate).build(), "relu");
    last = "maxpool";
    boolean bottleneck = bottleneck(name);
    int expansion = bottleneck ? 4 : 1;
    int in = 64;
    int[] blocks = blocks(name);
    for (int stage = 0; stage < 4; stage++) {
      for (int b = 0; b < blocks[stage]; b++) {
        int stride = stage > 0 && b == 0 ? 2 : 1;
        String p = "layer" + (stage + 1) + "." + b + ".";
        String residual = bottleneck ? bottleneckBlock(g, gemmConv, p, last, PLANES[stage], stride)
            : basicBlock(g, gemmConv, p, last, PLANES[stage], stride);
        in = shortcutAndAdd(g, gemmConv, p, in, PLANES[stage] * expansion, stride, residual, last);
        last = p + "relu";
      }
    }
    g.addLayer("avgpool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), last);
    g.addLayer("fc", new OutputLayer.Builder(LossFunction.MCXENT).nOut(numClasses).activation(Activation.SOFTMAX)
        .weightInit(WeightInit.UNIFORM).build(), "avgpool");
    return g.setOutputs("fc").build();
  }

  /**
   * d of the network: the trainable parameters (conv and fc weights, fc bias, BN γ and β), not the BN running
   * statistics; from the architecture alone, nothing built. 11,689,512 (resnet18) and 25,557,032 (resnet50) at
   * 1000 classes, as torchvision reports.
   */
  public static long trainableCount(String name, int numClasses) {
    check(name, numClasses, MIN_IMAGE_SIZE);
    boolean bottleneck = bottleneck(name);
    int expansion = bottleneck ? 4 : 1;
    long n = 3L * 64 * 7 * 7 + 2 * 64; // stem conv + BN
    long in = 64;
    int[] blocks = blocks(name);
    for (int stage = 0; stage < 4; stage++) {
      long p = PLANES[stage];
      for (int b = 0; b < blocks[stage]; b++) {
        int stride = stage > 0 && b == 0 ? 2 : 1;
        n += bottleneck ? in * p + 2 * p + 9 * p * p + 2 * p + p * 4 * p + 2 * 4 * p // 1×1, 3×3, 1×1 + BNs
            : 9 * in * p + 2 * p + 9 * p * p + 2 * p; // 3×3, 3×3 + BNs
        if (stride != 1 || in != p * expansion) {
          n += in * p * expansion + 2 * p * expansion; // projection 1×1 + BN
        }
        in = p * expansion;
      }
    }
    return n + in * numClasses + numClasses; // fc
  }

  /** The side of the last stage's feature maps for an input side s (1 for 32, 7 for 224). */
  public static int finalSize(int imageSize) {
    int s = (imageSize + 2 * 3 - 7) / 2 + 1; // stem conv
    s = (s + 2 - 3) / 2 + 1; // max pool
    for (int stage = 1; stage < 4; stage++) {
      s = (s + 2 - 3) / 2 + 1; // the stride-2 3×3 conv of stages 2-4
    }
    return s;
  }

  /** Rejects an unknown name, classes outside [2, MAX_CLASSES] and sides outside [32, MAX_IMAGE_SIZE]. */
  public static void check(String name, int numClasses, int imageSize) {
    if (!known(name)) {
      throw new IllegalArgumentException("unknown network '" + name + "'; allowed: " + NAMES);
    }
    if (numClasses < 2 || numClasses > MAX_CLASSES) {
      throw new IllegalArgumentException(name + ": classes=" + numClasses + "; allowed: 2 to " + MAX_CLASSES);
    }
    if (imageSize < MIN_IMAGE_SIZE || imageSize > MAX_IMAGE_SIZE) {
      throw new IllegalArgumentException(name + ": image_size=" + imageSize + "; allowed: " + MIN_IMAGE_SIZE
          + " to " + MAX_IMAGE_SIZE + " (five stride-2 downsamplings need at least 32)");
    }
  }

  private static boolean bottleneck(String name) {
    return name.equals("resnet50");
  }

  private static int[] blocks(String name) {
    return bottleneck(name) ? new int[] {3, 4, 6, 3} : new int[] {2, 2, 2, 2};
  }

  /** conv1 3×3/stride → BN → ReLU → conv2 3×3 → BN; returns the last BN's name. */
  private static String basicBlock(GraphBuilder g, boolean gemm, String p, String in, int planes, int stride) {
    g.addLayer(p + "relu1", relu(), convBn(g, gemm, p + "conv1", p + "bn1", in, planes, 3, stride, 1));
    return convBn(g, gemm, p + "conv2", p + "bn2", p + "relu1", planes, 3, 1, 1);
  }

  /** conv1 1×1 → BN → ReLU → conv2 3×3/stride → BN → ReLU → conv3 1×1 (4·planes) → BN; the last BN's name. */
  private static String bottleneckBlock(GraphBuilder g, boolean gemm, String p, String in, int planes,
      int stride) {
    g.addLayer(p + "relu1", relu(), convBn(g, gemm, p + "conv1", p + "bn1", in, planes, 1, 1, 0));
    g.addLayer(p + "relu2", relu(), convBn(g, gemm, p + "conv2", p + "bn2", p + "relu1", planes, 3, stride, 1));
    return convBn(g, gemm, p + "conv3", p + "bn3", p + "relu2", 4 * planes, 1, 1, 0);
  }

  /**
   * The shortcut (identity, or 1×1/stride conv + BN when the shape changes), the sum with the residual branch
   * and the ReLU after it ({@code p + "relu"}); returns the block's output channels.
   */
  private static int shortcutAndAdd(GraphBuilder g, boolean gemm, String p, int in, int out, int stride,
      String residual, String blockInput) {
    String shortcut = blockInput;
    if (stride != 1 || in != out) {
      shortcut = convBn(g, gemm, p + "downsample.0", p + "downsample.1", blockInput, out, 1, stride, 0);
    }
    g.addVertex(p + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), residual, shortcut);
    g.addLayer(p + "relu", relu(), p + "add");
    return out;
  }

  /** A bias-free k×k conv with the given stride and padding, then BN; returns the BN's name. */
  private static String convBn(GraphBuilder g, boolean gemm, String conv, String bn, String in, int out,
      int k, int stride, int pad) {
    ConvolutionLayer.Builder c = gemm ? new GemmConvolution.Builder(k, k) : new ConvolutionLayer.Builder(k, k);
    c.stride(stride, stride).padding(pad, pad).convolutionMode(ConvolutionMode.Truncate).hasBias(false)
        .nOut(out).activation(Activation.IDENTITY)
        .weightInit(new NormalDistribution(0, Math.sqrt(2.0 / ((long) out * k * k))));
    g.addLayer(conv, c.build(), in);
    g.addLayer(bn, new BatchNormalization.Builder().eps(BN_EPS).decay(BN_DECAY).useLogStd(false).build(), conv);
    return bn;
  }

  private static ActivationLayer relu() {
    return new ActivationLayer.Builder().activation(Activation.RELU).build();
  }
}
