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
 * ReLU and identity; for any other activation the forward pass is recomputed as DL4J does.
 */
final class GemmConvolutionLayer extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {
  private static final long serialVersionUID = 1L;

  private transient INDArray keptInput;
  private transient INDArray keptOutput;

  GemmConvolutionLayer(NeuralNetConfiguration conf, DataType type) {
    super(conf, type);
    helper = new GemmConvolutionHelper();
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
