package org.signsgd.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.signsgd.model.conv.GemmConvolution;

/** The torchvision architecture: parameter counts, feature-map sizes, stride placement, input checks. */
class ResNetsTest {
  @Test
  void trainableCountsAt1000ClassesAreTorchvisions() {
    assertThat(ResNets.trainableCount("resnet18", 1000)).isEqualTo(11_689_512L);
    assertThat(ResNets.trainableCount("resnet50", 1000)).isEqualTo(25_557_032L);
  }

  /**
   * Built networks (10 classes, 32 px): the parameters other than BN running statistics number exactly the
   * formula's d, and the statistics are 2 per BN channel (resnet18: 4,800 channels; resnet50: 26,560).
   */
  @Test
  void formulaEqualsTheBuiltNetworksTrainableCount() {
    Map<String, Long> bnChannels = Map.of("resnet18", 4_800L, "resnet50", 26_560L);
    for (String name : ResNets.NAMES) {
      ComputationGraph net = new ComputationGraph(ResNets.config(name, 10, 32, 1, DataType.FLOAT, false));
      net.init();
      long trainable = 0;
      long stats = 0;
      for (Map.Entry<String, INDArray> e : net.paramTable().entrySet()) {
        boolean stat = e.getKey().endsWith("_mean") || e.getKey().endsWith("_var");
        trainable += stat ? 0 : e.getValue().length();
        stats += stat ? e.getValue().length() : 0;
      }
      assertThat(trainable).as(name).isEqualTo(ResNets.trainableCount(name, 10));
      assertThat(stats).as(name).isEqualTo(2 * bnChannels.get(name));
      assertThat(net.numParams()).isEqualTo(trainable + stats);
    }
  }

  /**
   * A flat row is an image in c-order CHW: with conv1's only non-zero weight at (out 0, in 1, centre tap), a one
   * at channel 1, row 4, column 6 of the row appears at conv1's output channel 0, (2, 3) (stride 2, pad 3).
   */
  @Test
  void inputRowsAreChwImages() {
    ComputationGraph net = new ComputationGraph(ResNets.config("resnet18", 10, 32, 1, DataType.FLOAT, false));
    net.init();
    INDArray w = net.getLayer("conv1").getParam("W").assign(0);
    w.putScalar(new long[] {0, 1, 3, 3}, 1f);
    INDArray input = Nd4j.zeros(DataType.FLOAT, 1, 3 * 32 * 32);
    input.putScalar(new long[] {0, 32 * 32 + 4 * 32 + 6}, 1f);
    INDArray conv1 = net.feedForward(input, false).get("conv1");
    assertThat(conv1.shape()).containsExactly(1, 64, 16, 16);
    assertThat(conv1.getFloat(0, 0, 2, 3)).isEqualTo(1f);
    assertThat(conv1.sumNumber().floatValue()).isEqualTo(1f);
  }

  private static InputType.InputTypeConvolutional at(ComputationGraphConfiguration c, int size, String vertex) {
    return (InputType.InputTypeConvolutional) c.getLayerActivationTypes(InputType.convolutionalFlat(size, size, 3))
        .get(vertex);
  }

  private static void assertShape(InputType.InputTypeConvolutional t, long channels, long side) {
    assertThat(new long[] {t.getChannels(), t.getHeight(), t.getWidth()}).containsExactly(channels, side, side);
  }

  @Test
  void featureMapSizesMatchPyTorchs() {
    ComputationGraphConfiguration r18 = ResNets.config("resnet18", 10, 224, 1, DataType.FLOAT, false);
    assertShape(at(r18, 224, "conv1"), 64, 112);
    assertShape(at(r18, 224, "maxpool"), 64, 56);
    assertShape(at(r18, 224, "layer2.0.relu"), 128, 28);
    assertShape(at(r18, 224, "layer4.1.relu"), 512, 7);
    ComputationGraphConfiguration small = ResNets.config("resnet18", 10, 32, 1, DataType.FLOAT, false);
    assertShape(at(small, 32, "layer4.1.relu"), 512, 1);
    // an odd side: 33 → 17 → 9 → 5 → 3 → 2 (floor((s + 2p − k)/stride) + 1 at every step)
    ComputationGraphConfiguration odd = ResNets.config("resnet18", 10, 33, 1, DataType.FLOAT, false);
    assertShape(at(odd, 33, "conv1"), 64, 17);
    assertShape(at(odd, 33, "layer4.1.relu"), 512, 2);
    assertThat(new int[] {ResNets.finalSize(224), ResNets.finalSize(32), ResNets.finalSize(33)})
        .containsExactly(7, 1, 2);
  }

  /** Bottleneck: the stride sits on the 3×3 conv (v1.5), the first 1×1 keeps the side; 2048 × 7 × 7 at the end. */
  @Test
  void resnet50StridesOnTheThreeByThreeConv() {
    ComputationGraphConfiguration r50 = ResNets.config("resnet50", 10, 224, 1, DataType.FLOAT, false);
    assertShape(at(r50, 224, "layer1.0.relu"), 256, 56);
    assertShape(at(r50, 224, "layer2.0.conv1"), 128, 56);
    assertShape(at(r50, 224, "layer2.0.conv2"), 128, 28);
    assertShape(at(r50, 224, "layer2.0.downsample.0"), 512, 28);
    assertShape(at(r50, 224, "layer4.2.relu"), 2048, 7);
  }

  @Test
  void gemmSwitchBuildsGemmConvolutionsWithoutBias() {
    ComputationGraphConfiguration c = ResNets.config("resnet18", 10, 32, 1, DataType.FLOAT, true);
    long convs = c.getVertices().values().stream().filter(v -> v instanceof LayerVertex lv
        && lv.getLayerConf().getLayer() instanceof ConvolutionLayer).peek(v -> {
          ConvolutionLayer conv = (ConvolutionLayer) ((LayerVertex) v).getLayerConf().getLayer();
          assertThat(conv).isInstanceOf(GemmConvolution.class);
          assertThat(conv.hasBias()).isFalse();
        }).count();
    assertThat(convs).isEqualTo(1 + 16 + 3); // stem, 8 blocks × 2, 3 projections
  }

  @Test
  void badInputIsOneLineWithTheAllowedRange() {
    assertThatThrownBy(() -> ResNets.config("resnet18", 10, 31, 1, DataType.FLOAT, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessage(
            "resnet18: image_size=31; allowed: 32 to 2048 (five stride-2 downsamplings need at least 32)");
    assertThatThrownBy(() -> ResNets.trainableCount("resnet50", 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("resnet50: classes=1; allowed: 2 to 1000000");
    assertThatThrownBy(() -> ResNets.trainableCount("resnet34", 10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown network 'resnet34'; allowed: [resnet18, resnet50]");
  }
}
