package org.signsgd.model;

import java.util.List;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.signsgd.model.conv.GemmConvolution;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The seed papers' networks as their code defines them (Akoun and Meyer's {@code src/nn/mnist_nets.py} and
 * {@code reg_nets.py}, whose TorchNet is Mengoli et al. 2025's Table 3 CNN; El Mhamdi et al. 2021's
 * {@code simples-full} MLP), as DL4J configurations. Weights are U(−1/√fan_in, 1/√fan_in) (DL4J
 * {@code UNIFORM}, PyTorch's default for conv and linear weights), biases 0. DL4J's {@code dropOut(p)} is the
 * probability of <em>keeping</em> an input of that layer, so PyTorch's Dropout(0.25) after a layer is
 * {@code dropOut(0.75)} on the next. No updater and no regularisation: the job computes gradients only, and
 * weight decay is applied by the job's own update, x ← x − η(direction + λx) ({@link org.signsgd.optim.Update}).
 */
public final class Networks {
  public static final List<String> NAMES = List.of("mlp", "mengoli-cnn", "akoun-mnistnet", "linreg-net",
      "logreg-net");

  private Networks() {}

  public static boolean known(String name) {
    return NAMES.contains(name);
  }

  /** True when the network reads 28×28 images (MNIST, Fashion-MNIST). */
  public static boolean readsImages(String name) {
    return !name.endsWith("-net");
  }

  /** @param gemmConv convolutions through {@link GemmConvolution} (same function, faster) instead of DL4J's */
  public static MultiLayerConfiguration config(String name, long seed, DataType type, boolean gemmConv) {
    NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(seed).dataType(type)
        .weightInit(WeightInit.UNIFORM).updater(new NoOp()).list();
    return switch (name) {
      case "mlp" -> mlp(b);
      case "mengoli-cnn" -> mengoliCnn(b, gemmConv);
      case "akoun-mnistnet" -> akounMnistNet(b, gemmConv);
      case "linreg-net" -> b.layer(dense(20, 40, 1)).layer(new OutputLayer.Builder(LossFunction.MSE).nIn(40)
          .nOut(1).activation(Activation.IDENTITY).build()).build();
      case "logreg-net" -> b.layer(dense(20, 40, 1)).layer(output(40, 2, 1)).build();
      default -> throw new IllegalArgumentException("unknown network '" + name + "'; allowed: " + NAMES);
    };
  }

  /** Seed 003's MNIST model "simples-full": fc 784→100 ReLU, fc 100→10, log-softmax + NLL. */
  private static MultiLayerConfiguration mlp(NeuralNetConfiguration.ListBuilder b) {
    return b.layer(dense(784, 100, 1)).layer(output(100, 10, 1)).build();
  }

  /**
   * Seed 001's TorchNet = Mengoli et al. 2025 Table 3: conv(1→32, k3) ReLU, conv(32→64, k3) ReLU, maxpool 2,
   * dropout .25, fc 9216→128 ReLU, dropout .5, fc 128→10; d = 1,199,882.
   */
  private static MultiLayerConfiguration mengoliCnn(NeuralNetConfiguration.ListBuilder b, boolean g) {
    return b.layer(conv(32, 3, 0, 1, g)).layer(conv(64, 3, 0, 1, g)).layer(maxPool())
        .layer(dense(9216, 128, 0.75)).layer(output(128, 10, 0.5))
        .setInputType(InputType.convolutionalFlat(28, 28, 1)).build();
  }

  /**
   * Seed 001's MNISTNet: conv(1→64, k5, pad 2) ReLU, conv(64→64, k5, pad 2) ReLU, maxpool 2, dropout .25,
   * conv(64→64, k3, pad 1) ReLU, conv(64→64, k3, pad 1) ReLU, maxpool 2, dropout .25, fc 3136→128 ReLU,
   * dropout .5, fc 128→10.
   */
  private static MultiLayerConfiguration akounMnistNet(NeuralNetConfiguration.ListBuilder b, boolean g) {
    return b.layer(conv(64, 5, 2, 1, g)).layer(conv(64, 5, 2, 1, g)).layer(maxPool())
        .layer(conv(64, 3, 1, 0.75, g)).layer(conv(64, 3, 1, 1, g)).layer(maxPool())
        .layer(dense(3136, 128, 0.75)).layer(output(128, 10, 0.5))
        .setInputType(InputType.convolutionalFlat(28, 28, 1)).build();
  }

  private static ConvolutionLayer conv(int out, int kernel, int pad, double keep, boolean gemm) {
    ConvolutionLayer.Builder c = (gemm ? new GemmConvolution.Builder(kernel, kernel)
        : new ConvolutionLayer.Builder(kernel, kernel)).stride(1, 1).padding(pad, pad)
        .convolutionMode(ConvolutionMode.Truncate).nOut(out).activation(Activation.RELU);
    if (keep < 1) {
      c.dropOut(keep);
    }
    return c.build();
  }

  private static SubsamplingLayer maxPool() {
    return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build();
  }

  private static DenseLayer dense(int in, int out, double keep) {
    DenseLayer.Builder d = new DenseLayer.Builder().nIn(in).nOut(out).activation(Activation.RELU);
    if (keep < 1) {
      d.dropOut(keep);
    }
    return d.build();
  }

  /** log-softmax + NLL = softmax + multi-class cross-entropy. */
  private static OutputLayer output(int in, int classes, double keep) {
    OutputLayer.Builder o = new OutputLayer.Builder(LossFunction.MCXENT).nIn(in).nOut(classes)
        .activation(Activation.SOFTMAX);
    if (keep < 1) {
      o.dropOut(keep);
    }
    return o.build();
  }
}
