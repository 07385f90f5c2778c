package org.signsgd.bench.peer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.signsgd.bench.FrameworkPeer;

/**
 * PyTorch's C++ runtime (libtorch 2.7.1, CPU build) through DJL 0.36.0, one intra-op and one inter-op thread,
 * float32: the framework every seed's code is written in, as bench section k's peer. The networks are {@link
 * TorchNetworks}'; a gradient is what a PyTorch training step computes before its optimizer step: forward in
 * training mode, the mean cross-entropy of the log-softmax, backward into every trainable parameter's {@code
 * .grad} (zeroed first, as {@code optimizer.zero_grad(set_to_none=False)}).
 *
 * <p>Nothing is downloaded: the natives are extracted from the {@code pytorch-native-cpu} jar on the classpath
 * into DJL's cache directory ({@code ~/.djl.ai}, or {@code DJL_CACHE_DIR}); {@code ai.djl.offline=true} is set
 * unless the caller set it, so a missing jar fails instead of reaching the network.
 */
public final class TorchPeer implements FrameworkPeer {
  private final Engine engine;
  private final NDManager root;

  public TorchPeer() {
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent("ai.djl.pytorch.num_threads", "1");
    setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    engine = Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(1);
    if (JniUtils.getNumThreads() != 1) {
      throw new IllegalStateException("pytorch peer: " + JniUtils.getNumThreads()
          + " intra-op threads after asking for 1");
    }
    root = engine.newBaseManager(Device.cpu());
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  @Override
  public String describe() {
    return "PyTorch " + engine.getVersion() + " (libtorch CPU build) via DJL " + Engine.getDjlVersion()
        + ", intra-op threads " + JniUtils.getNumThreads() + ", inter-op threads " + JniUtils.getNumInteropThreads()
        + ", features " + new TreeSet<>(JniUtils.getFeatures());
  }

  @Override
  public Network network(String name, int classes, int channels, int side, float[] images, int[] labels) {
    int batch = labels.length;
    if (images.length != (long) batch * channels * side * side) {
      throw new IllegalArgumentException("pytorch peer: " + images.length + " image values for " + batch
          + " labels; expected " + batch + "·" + channels + "·" + side + "·" + side);
    }
    return new TorchNetwork(root.newSubManager(), TorchNetworks.build(name, classes),
        new Shape(batch, channels, side, side), images, labels, classes);
  }

  @Override
  public void close() {
    root.close();
  }

  /** One network on its own manager, with its batch. */
  private static final class TorchNetwork implements Network {
    private final NDManager manager;
    private final Block block;
    private final Shape inputShape;
    private final float[] images;
    private final float[] oneHot;
    private final int classes;
    private final List<Parameter> trainable = new ArrayList<>();

    TorchNetwork(NDManager manager, Block block, Shape inputShape, float[] images, int[] labels, int classes) {
      this.manager = manager;
      this.block = block;
      this.inputShape = inputShape;
      this.images = images;
      this.classes = classes;
      this.oneHot = new float[labels.length * classes];
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] < 0 || labels[i] >= classes) {
          throw new IllegalArgumentException("pytorch peer: label " + labels[i] + "; allowed: 0 to " + (classes - 1));
        }
        oneHot[i * classes + labels[i]] = 1f;
      }
      block.initialize(manager, DataType.FLOAT32, inputShape);
      for (Pair<String, Parameter> p : block.getParameters()) {
        if (p.getValue().requiresGradient()) {
          trainable.add(p.getValue());
        }
      }
    }

    @Override
    public long parameters() {
      long n = 0;
      for (Parameter p : trainable) {
        n += p.getArray().size();
      }
      return n;
    }

    @Override
    public List<long[]> parameterShapes() {
      List<long[]> shapes = new ArrayList<>();
      for (Parameter p : trainable) {
        shapes.add(p.getArray().getShape().getShape());
      }
      return shapes;
    }

    @Override
    public long[] outputShape() {
      return block.getOutputShapes(new Shape[] {inputShape})[0].getShape();
    }

    /** The loss on this step's copy of the batch; every intermediate array belongs to {@code step}. */
    private NDArray loss(NDManager step, boolean training) {
      NDArray x = step.create(FloatBuffer.wrap(images), inputShape);
      NDArray y = step.create(FloatBuffer.wrap(oneHot), new Shape(inputShape.get(0), classes));
      NDArray logits = block.forward(new ParameterStore(step, false), new NDList(x), training).singletonOrThrow();
      return logits.logSoftmax(1).mul(y).sum(new int[] {1}).mean().neg();
    }

    @Override
    public double gradient() {
      try (NDManager step = manager.newSubManager();
          GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        for (Parameter p : trainable) {
          NDArray a = p.getArray();
          if (a.hasGradient()) {
            try (NDArray g = a.getGradient()) {
              g.subi(g);
            }
          }
        }
        NDArray loss = loss(step, true);
        collector.backward(loss);
        return loss.getFloat();
      }
    }

    @Override
    public double gradientNorm() {
      double sq = 0;
      for (Parameter p : trainable) {
        try (NDArray g = p.getArray().getGradient(); NDArray g2 = g.square(); NDArray s = g2.sum()) {
          sq += s.getFloat();
        }
      }
      return Math.sqrt(sq);
    }

    @Override
    public void setParameters(List<float[]> values) {
      if (values.size() != trainable.size()) {
        throw new IllegalArgumentException("pytorch peer: " + values.size() + " parameter arrays; expected "
            + trainable.size());
      }
      for (int i = 0; i < values.size(); i++) {
        NDArray a = trainable.get(i).getArray();
        if (values.get(i).length != a.size()) {
          throw new IllegalArgumentException("pytorch peer: parameter " + i + " (" + trainable.get(i).getName()
              + ", shape " + a.getShape() + ") given " + values.get(i).length + " values");
        }
        a.set(FloatBuffer.wrap(values.get(i)));
      }
    }

    @Override
    public double inferenceLoss() {
      try (NDManager step = manager.newSubManager()) {
        return loss(step, false).getFloat();
      }
    }

    @Override
    public void close() {
      manager.close();
      releaseFreedMemory();
    }
  }

  /** glibc's malloc_trim, through JNA (a DJL dependency). */
  private interface LibC extends com.sun.jna.Library {
    int malloc_trim(long pad);
  }

  /**
   * Hands the memory libtorch freed back to the system (glibc keeps freed blocks in its arenas otherwise): a
   * ResNet-50 at batch 32 leaves gigabytes there, which the DL4J gradient measured next in the same process
   * needs. Best effort: nothing happens off glibc.
   */
  static void releaseFreedMemory() {
    try {
      com.sun.jna.Native.load("c", LibC.class).malloc_trim(0);
    } catch (LinkageError | RuntimeException e) {
      // not glibc: the memory stays with the allocator
    }
  }
}
