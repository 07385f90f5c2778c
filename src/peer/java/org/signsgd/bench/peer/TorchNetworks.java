package org.signsgd.bench.peer;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * The bench's networks as DJL blocks, layer for layer the ones this project builds in DL4J:
 *
 * <ul>
 *   <li>mengoli-cnn (the project's {@code Networks}; Mengoli et al. 2025, Table 3, seed 001's TorchNet):
 *       conv(1→32, k3) ReLU, conv(32→64, k3) ReLU, max pool 2, dropout 0.25, fc 9216→128 ReLU, dropout 0.5,
 *       fc 128→10; d = 1,199,882.
 *   <li>resnet18 and resnet50 in torchvision's layout (the project's {@code ResNets}; He, Zhang, Ren, Sun, "Deep
 *       Residual Learning for Image Recognition", CVPR 2016, Table 1): stem conv 7×7/2 pad 3, BN, ReLU, max pool
 *       3×3/2 pad 1; BasicBlocks ×[2, 2, 2, 2] or Bottlenecks ×[3, 4, 6, 3] (the stride on the 3×3 conv,
 *       torchvision's "v1.5"); bias-free convs each followed by BN (ε = 1e-5); a 1×1/stride conv + BN shortcut
 *       where the shape changes; add, ReLU; global average pool; fc with bias. 11,689,512 and 25,557,032
 *       parameters at 1000 classes.
 * </ul>
 *
 * DJL's own {@code ResNetV1} (model-zoo) is not used: it is not torchvision's layout (its bottleneck's 1×1 convs
 * carry biases, the stride sits on the first 1×1 conv, ResNet v1 rather than v1.5, and its 18-layer variant is made
 * of bottlenecks), so neither its parameter count nor its work would match.
 */
final class TorchNetworks {
  private static final int[] PLANES = {64, 128, 256, 512};

  private TorchNetworks() {}

  static Block build(String name, int classes) {
    return switch (name) {
      case "mengoli-cnn" -> mengoliCnn(classes);
      case "resnet18" -> resNet(false, new int[] {2, 2, 2, 2}, classes);
      case "resnet50" -> resNet(true, new int[] {3, 4, 6, 3}, classes);
      default -> throw new IllegalArgumentException("pytorch peer: network '" + name
          + "'; allowed: mengoli-cnn, resnet18, resnet50");
    };
  }

  private static Block mengoliCnn(int classes) {
    return new SequentialBlock()
        .add(conv(32, 3, 1, 0, true)).add(Activation.reluBlock())
        .add(conv(64, 3, 1, 0, true)).add(Activation.reluBlock())
        .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
        .add(Blocks.batchFlattenBlock())
        .add(Dropout.builder().optRate(0.25f).build())
        .add(Linear.builder().setUnits(128).build()).add(Activation.reluBlock())
        .add(Dropout.builder().optRate(0.5f).build())
        .add(Linear.builder().setUnits(classes).build());
  }

  private static Block resNet(boolean bottleneck, int[] blocks, int classes) {
    SequentialBlock net = new SequentialBlock().add(conv(64, 7, 2, 3, false)).add(bn())
        .add(Activation.reluBlock())
        .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
    int expansion = bottleneck ? 4 : 1;
    int in = 64;
    for (int stage = 0; stage < 4; stage++) {
      int planes = PLANES[stage];
      for (int b = 0; b < blocks[stage]; b++) {
        int stride = stage > 0 && b == 0 ? 2 : 1;
        SequentialBlock residual = bottleneck
            ? new SequentialBlock().add(conv(planes, 1, 1, 0, false)).add(bn()).add(Activation.reluBlock())
                .add(conv(planes, 3, stride, 1, false)).add(bn()).add(Activation.reluBlock())
                .add(conv(4 * planes, 1, 1, 0, false)).add(bn())
            : new SequentialBlock().add(conv(planes, 3, stride, 1, false)).add(bn()).add(Activation.reluBlock())
                .add(conv(planes, 3, 1, 1, false)).add(bn());
        int out = planes * expansion;
        Block shortcut = stride != 1 || in != out
            ? new SequentialBlock().add(conv(out, 1, stride, 0, false)).add(bn())
            : Blocks.identityBlock();
        net.add(new ParallelBlock(list -> new NDList(list.get(0).singletonOrThrow()
            .add(list.get(1).singletonOrThrow())), List.of(residual, shortcut)))
            .add(Activation.reluBlock());
        in = out;
      }
    }
    return net.add(Pool.globalAvgPool2dBlock()).add(Linear.builder().setUnits(classes).build());
  }

  private static Conv2d conv(int out, int k, int stride, int pad, boolean bias) {
    return Conv2d.builder().setFilters(out).setKernelShape(new Shape(k, k)).optStride(new Shape(stride, stride))
        .optPadding(new Shape(pad, pad)).optBias(bias).build();
  }

  /** PyTorch's BatchNorm2d: ε = 1e-5, running statistics updated with weight 0.1 on the batch's. */
  private static BatchNorm bn() {
    return BatchNorm.builder().optEpsilon(1e-5f).optMomentum(0.9f).build();
  }
}
