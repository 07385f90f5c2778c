package org.signsgd.model.conv;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's convolution layer with {@link GemmConvolutionHelper} as its helper: dropout, activation and the
 * network's bookkeeping stay DL4J's. One more saving: DL4J's backward pass recomputes the forward convolution;
 * here the training forward pass keeps its output for the backward pass that follows it on the same input.
 * The activation runs in place on that output, so the kept array holds σ(z), and σ'(σ(z)) = σ'(z) holds only for
 * ReLU and identity; for any other activation the forward pass is recomputed as DL4J does. With identity (a
 * convolution followed by batch normalisation, as in ResNet) the kept array is the layer's output itself, and
 * identity's backward pass reads only its shape, so a later layer that changed it in place would not matter.
 * Whether the layer has a bias ({@code hasBias(false)}) is passed to the helper, which then neither adds one nor
 * reports a gradient for one.
 */
final class GemmConvolutionLayer extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {
  private static final long serialVersionUID = 1L;

  private transient INDArray keptInput;
  private transient INDArray keptOutput;

  GemmConvolutionLayer(NeuralNetConfiguration conf, DataType type) {
    super(conf, type);
    helper = new GemmConvolutionHelper(layerConf().hasBias());
  }

  @Override
  protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr mgr) {
    if (forBackprop && keptOutput != null && keptInput == input) {
      INDArray z = keptOutput;
      forget();
      return new Pair<>(z, null);
    }
    Pair<INDArray, INDArray> p = super.preOutput(training, forBackprop, mgr);
    // plain ReLU only: a threshold or cap would break σ'(σ(z)) = σ'(z)
    boolean keep = training && !forBackprop && (new ActivationReLU().equals(layerConf().getActivationFn())
        || layerConf().getActivationFn() instanceof ActivationIdentity);
    keptInput = keep ? input : null;
    keptOutput = keep ? p.getFirst() : null;
    return p;
  }

  /** The helper, whose counters tell a test that the gemm path (not DL4J's fallback) ran. */
  GemmConvolutionHelper gemmHelper() {
    return (GemmConvolutionHelper) helper;
  }

  /** How often DL4J caught an exception from the helper and fell back to its own path (0 when all went well). */
  int helperFailures() {
    return helperCountFail;
  }

  @Override
  public void clear() {
    super.clear();
    forget();
  }

  private void forget() {
    keptInput = null;
    keptOutput = null;
  }
}
