package org.signsgd.model.conv;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of a convolution layer whose arithmetic is {@link GemmConvolutionHelper}'s: the same
 * parameters, initialisation and layout as DL4J's {@link ConvolutionLayer}, so a network built with either
 * computes the same function from the same parameter vector. The gemm path covers NCHW float and double with
 * any kernel, stride and explicit padding (Truncate or Strict mode), with or without bias ({@code hasBias(false)}),
 * so every convolution of ResNet-18/50 (He et al. 2016, "Deep residual learning for image recognition"); Same
 * mode, dilation and other layouts run DL4J's own arithmetic in the same layer.
 */
public class GemmConvolution extends ConvolutionLayer {
  private static final long serialVersionUID = 1L;

  /** For Jackson. */
  public GemmConvolution() {}

  private GemmConvolution(Builder b) {
    super(b);
  }

  @Override
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
      INDArray params, boolean initializeParams, DataType type) {
    LayerValidation.assertNInNOutSet("GemmConvolution", getLayerName(), index, getNIn(), getNOut());
    GemmConvolutionLayer layer = new GemmConvolutionLayer(conf, type);
    layer.setListeners(listeners);
    layer.setIndex(index);
    layer.setParamsViewArray(params);
    ParamInitializer init = initializer();
    Map<String, INDArray> table = init.init(conf, params, initializeParams);
    layer.setParamTable(table);
    layer.setConf(conf);
    return layer;
  }

  /** {@link ConvolutionLayer.Builder} building this layer. */
  public static final class Builder extends ConvolutionLayer.Builder {
    public Builder(int... kernel) {
      super(kernel);
    }

    @Override
    @SuppressWarnings("unchecked")
    public GemmConvolution build() {
      super.build(); // DL4J's validation of kernel, stride and padding
      return new GemmConvolution(this);
    }
  }
}
