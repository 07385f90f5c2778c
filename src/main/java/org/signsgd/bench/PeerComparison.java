package org.signsgd.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.signsgd.data.ImageData;
import org.signsgd.data.Shards;
import org.signsgd.model.GradientModel;
import org.signsgd.model.GraphModel;
import org.signsgd.model.Models;
import org.signsgd.model.Networks;
import org.signsgd.model.ResNets;
import org.signsgd.spec.RuleSpec;

/**
 * Bench section k: the same minibatch gradients in this project's DL4J path and in PyTorch's C++ runtime (the
 * {@link FrameworkPeer}), one thread each, same networks, shapes and batches: mengoli-cnn on MNIST at batch 64,
 * resnet18 and resnet50 at batch 32, 224 px, 1000 classes, on {@link SyntheticImages}. A gradient is one forward
 * and backward pass of the mean cross-entropy, no optimizer step, in both.
 *
 * <p>DL4J: {@link GradientModel#stochasticGradient} as a job's task calls it (the gemm convolution, the default;
 * the parameters copied in and the gradient out), ND4J and OpenBLAS pinned to one thread. PyTorch: one intra-op
 * and one inter-op thread. The batches: mengoli-cnn's DL4J gradient reads its worker's MNIST batch, PyTorch the
 * first 64 training images; the ResNets' both read images 0 … 31 of the same synthetic set.
 *
 * <p>Runs: mengoli-cnn 3 warm-up + median of 7, resnet18 1 + median of 3, resnet50 1 + median of 2 (quick:
 * mengoli-cnn at batch 8 and resnet18 at 32 px, batch 2, 10 classes). PyTorch runs first on each network: its
 * freed memory goes back to the system, the JVM's heap stays. Each is the median wall-clock time and the median CPU time of the whole process (its garbage collector
 * and other threads included) over the same runs: on a shared machine the second is what a gradient costs.
 *
 * <p>Before timing, the networks are checked to be the same, or the section fails: the trainable parameter
 * counts (1,199,882; 11,689,512; 25,557,032) and the output shapes; for mengoli-cnn also the loss, in inference
 * mode, with DL4J's initial weights loaded into PyTorch (equal to 1e-4 relative), which checks every layer's
 * shape, order and the flattening between the convolutions and the dense layer.
 */
final class PeerComparison {
  private final Path mnist;
  private final boolean quick;
  private final PrintWriter progress;
  private final List<BenchRow> rows = new ArrayList<>();

  PeerComparison(Path mnist, boolean quick, PrintWriter progress) {
    this.mnist = mnist;
    this.quick = quick;
    this.progress = progress;
  }

  /** True when the peer (the {@code pytorch-peer} profile's classes and DJL) is on the classpath. */
  static boolean available() {
    try {
      Class.forName("ai.djl.engine.Engine", false, PeerComparison.class.getClassLoader());
      Class.forName(FrameworkPeer.IMPLEMENTATION, false, PeerComparison.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  static FrameworkPeer load() {
    try {
      return (FrameworkPeer) Class.forName(FrameworkPeer.IMPLEMENTATION).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("bench k: cannot start the PyTorch peer: " + e, e);
    }
  }

  /**
   * The system property that picks some of the networks, comma-separated (default: all three), e.g.
   * {@code SIGNSGD_JAVA_OPTS="-Xmx10g -Dsignsgd.bench.k.networks=resnet50"} when memory allows only one at a time.
   */
  static final String NETWORKS = "signsgd.bench.k.networks";

  List<BenchRow> run() {
    int ompBefore = Nd4j.getEnvironment().maxThreads();
    int blasBefore = Nd4j.factory().blas().getMaxThreads();
    Nd4j.getEnvironment().setMaxThreads(1);
    Nd4j.factory().blas().setMaxThreads(1);
    try (FrameworkPeer peer = load()) {
      rows.add(new BenchRow("k", "peer: " + peer.describe(), Double.NaN, "", Double.NaN, ""));
      List<String> all = quick ? List.of("mengoli-cnn", "resnet18") : List.of("mengoli-cnn", "resnet18", "resnet50");
      String chosen = System.getProperty(NETWORKS);
      List<String> nets = chosen == null ? all : List.of(chosen.split(","));
      for (String net : nets) {
        if (!all.contains(net)) {
          throw new IllegalArgumentException("bench k: -D" + NETWORKS + " names '" + net + "'; allowed: "
              + String.join(",", all));
        }
      }
      for (String net : nets) {
        if (net.equals("mengoli-cnn")) {
          mengoliCnn(peer);
        } else {
          resNet(peer, net);
        }
      }
    } finally {
      Nd4j.getEnvironment().setMaxThreads(ompBefore);
      Nd4j.factory().blas().setMaxThreads(blasBefore);
    }
    return rows;
  }

  private void note(String what) {
    progress.println("bench: " + what + " ...");
    progress.flush();
  }

  private void mengoliCnn(FrameworkPeer peer) {
    int batch = quick ? 8 : 64;
    int warmup = quick ? 1 : 3;
    int reps = quick ? 2 : 7;
    ImageData data = new ImageData("mnist", mnist);
    int[] idx = new int[batch];
    Arrays.setAll(idx, i -> i);
    float[] x = new float[batch * data.inputs()];
    float[] y = new float[batch * data.outputs()];
    data.train(idx, null, x, y);
    int[] labels = labels(y, data.outputs());
    GradientModel m = Models.create(new RuleSpec("mengoli-cnn", Map.of("conv", "gemm")),
        new RuleSpec("mnist", Map.of("dir", mnist.toString())), 1, 27);
    // PyTorch first: its memory goes back to the system when the network closes, the JVM's heap stays
    note("gradient mengoli-cnn batch " + batch + ", PyTorch");
    double[] torch;
    try (FrameworkPeer.Network net = peer.network("mengoli-cnn", 10, 1, 28, x, labels)) {
      check("mengoli-cnn", net, m.dimension(), batch, 10);
      sameLoss(net, x, labels);
      torch = time(warmup, reps, net::gradient);
      checkGradient("mengoli-cnn", net);
    }
    measured("mengoli-cnn, PyTorch", torch);
    note("gradient mengoli-cnn batch " + batch + ", DL4J (gemm convolution)");
    double[] dl4j = new double[2];
    Bench.onOwnThread(() -> {
      float[] params = m.initialParameters();
      float[] g = new float[m.dimension()];
      long[] t = {0};
      System.arraycopy(time(warmup, reps, () -> m.stochasticGradient(params, batch, t[0]++, 0, g)), 0, dl4j, 0, 2);
      return dl4j[0];
    });
    add("mengoli-cnn, batch " + batch + ", 28x28x1 MNIST, 10 classes", warmup, reps, dl4j, torch);
  }

  /**
   * Gives DL4J's mengoli-cnn and the peer's the same weights and compares the inference-mode losses: DL4J's conv
   * weights are [out, in, kh, kw] like PyTorch's, its dense weights [in, out] where PyTorch's are [out, in]. The
   * weights are He-scaled normals (std √(2/fan-in), biases std 0.1, seed 7), not DL4J's initial ones, whose
   * outputs are so near uniform that every weight gives a loss near ln 10.
   */
  private static void sameLoss(FrameworkPeer.Network net, float[] x, int[] labels) {
    MultiLayerNetwork dl4j = new MultiLayerNetwork(Networks.config("mengoli-cnn", 1, DataType.FLOAT, true));
    dl4j.init();
    java.util.Random rng = new java.util.Random(7);
    List<float[]> values = new ArrayList<>();
    for (int layer = 0; layer <= 4; layer++) {
      if (layer == 2) {
        continue; // max pool: no parameters
      }
      INDArray w = dl4j.getParam(layer + "_W");
      INDArray b = dl4j.getParam(layer + "_b");
      long fanIn = layer < 2 ? w.length() / w.size(0) : w.size(0);
      w.assign(normal(rng, w.shape(), Math.sqrt(2.0 / fanIn)));
      b.assign(normal(rng, b.shape(), 0.1));
      values.add((layer < 2 ? w : w.transpose()).dup('c').data().asFloat());
      values.add(b.dup('c').data().asFloat());
    }
    List<long[]> shapes = net.parameterShapes();
    for (int i = 0; i < values.size(); i++) {
      long n = Arrays.stream(shapes.get(i)).reduce(1, (a, c) -> a * c);
      if (n != values.get(i).length) {
        throw new IllegalStateException("bench k: mengoli-cnn parameter " + i + " has shape "
            + Arrays.toString(shapes.get(i)) + " in PyTorch and " + values.get(i).length + " values in DL4J");
      }
    }
    net.setParameters(values);
    INDArray p = dl4j.output(Nd4j.create(x, new long[] {labels.length, 784}, 'c'), false);
    double ce = 0;
    for (int i = 0; i < labels.length; i++) {
      ce -= Math.log(p.getDouble(i, labels[i]));
    }
    ce /= labels.length;
    double torch = net.inferenceLoss();
    if (!(Math.abs(ce - torch) <= 1e-4 * Math.max(1, Math.abs(ce)))) {
      throw new IllegalStateException(String.format(Locale.ROOT, "bench k: mengoli-cnn at the same weights has"
          + " loss %.7f in DL4J and %.7f in PyTorch: the networks differ", ce, torch));
    }
  }

  private static INDArray normal(java.util.Random rng, long[] shape, double std) {
    INDArray a = Nd4j.create(DataType.FLOAT, shape);
    for (long i = 0; i < a.length(); i++) {
      a.putScalar(i, rng.nextGaussian() * std);
    }
    return a;
  }

  /** The heap a ResNet-50 gradient at batch 32 wants in DL4J (as section i). */
  private static final long RESNET50_HEAP = 8L << 30;

  private void resNet(FrameworkPeer peer, String name) {
    int size = quick ? 32 : 224;
    int batch = quick ? 2 : 32;
    int classes = quick ? 10 : 1000;
    int warmup = 1;
    // a ResNet-50 gradient holds about 13.5 GB in DL4J for tens of seconds: as few runs as give a median
    int reps = quick ? 1 : name.equals("resnet50") ? 2 : 3;
    String what = name + ", batch " + batch + ", " + size + "x" + size + "x3, " + classes + " classes";
    if (!quick && name.equals("resnet50") && Runtime.getRuntime().maxMemory() < RESNET50_HEAP) {
      rows.add(new BenchRow("k", "gradient " + what + ": not measured, DL4J needs -Xmx8g or more"
          + " (SIGNSGD_JAVA_OPTS=-Xmx10g); this JVM has " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB",
          Double.NaN, "", Double.NaN, ""));
      return;
    }
    SyntheticImages images = new SyntheticImages(size, classes, 2 * batch);
    int[] idx = new int[batch];
    Arrays.setAll(idx, i -> i);
    float[] x = new float[batch * images.inputs()];
    float[] y = new float[batch * classes];
    images.train(idx, null, x, y);
    note("gradient " + what + ", PyTorch");
    double[] torch;
    try (FrameworkPeer.Network net = peer.network(name, classes, 3, size, x, labels(y, classes))) {
      check(name, net, ResNets.trainableCount(name, classes), batch, classes);
      torch = time(warmup, reps, net::gradient);
      checkGradient(name, net);
    }
    measured(name + ", PyTorch", torch);
    System.gc();
    note("gradient " + what + ", DL4J (gemm convolution)");
    double[] dl4j = new double[2];
    Bench.onOwnThread(() -> {
      GraphModel m = new GraphModel(name, classes, size, DataType.FLOAT, true, images,
          Shards.shared(2 * batch, 1, 1), 1, false);
      float[] params = m.initialParameters();
      float[] g = new float[m.dimension()];
      long[] t = {0};
      System.arraycopy(time(warmup, reps, () -> m.stochasticGradient(params, batch, t[0]++, 0, g)), 0, dl4j, 0, 2);
      return dl4j[0];
    });
    add(what, warmup, reps, dl4j, torch);
  }

  private void measured(String what, double[] ms) {
    progress.println(String.format(Locale.ROOT, "bench: k %s: %.1f ms (CPU %.0f ms)", what, ms[0], ms[1]));
    progress.flush();
  }

  /** Wall-clock and process CPU time rows, each {wall ms, CPU ms}. */
  private void add(String what, int warmup, int reps, double[] dl4j, double[] torch) {
    String runs = ", 1 thread (" + warmup + " warm-up + median of " + reps + "), ";
    rows.add(new BenchRow("k", "gradient " + what + runs + "DL4J, this project", dl4j[0], "ms", Double.NaN, ""));
    rows.add(new BenchRow("k", "gradient " + what + runs + "PyTorch", torch[0], "ms", dl4j[0] / torch[0],
        "ratio = DL4J / PyTorch"));
    rows.add(new BenchRow("k", "  the same as process CPU time, DL4J", dl4j[1], "ms", Double.NaN, ""));
    rows.add(new BenchRow("k", "  the same as process CPU time, PyTorch", torch[1], "ms", dl4j[1] / torch[1],
        "ratio = DL4J / PyTorch"));
    // at once on the progress stream too: the table comes at the end, after a ResNet-50 that may run out of memory
    progress.println(String.format(Locale.ROOT, "bench: k %s: DL4J %.1f ms (CPU %.0f), PyTorch %.1f ms (CPU %.0f),"
        + " DL4J / PyTorch %.2f (CPU %.2f)", what, dl4j[0], dl4j[1], torch[0], torch[1], dl4j[0] / torch[0],
        dl4j[1] / torch[1]));
    progress.flush();
  }

  /**
   * {median wall-clock ms, median process CPU ms} of {@code reps} runs after {@code warmup}: on a shared machine
   * the CPU time the whole process spent (its garbage collector included) is what a run costs when other work
   * takes turns on the cores, where the wall clock counts the waiting too.
   */
  static double[] time(int warmup, int reps, Runnable work) {
    for (int i = 0; i < warmup; i++) {
      work.run();
    }
    double[] wall = new double[reps];
    double[] cpu = new double[reps];
    for (int i = 0; i < reps; i++) {
      long c0 = processCpuNanos();
      long t0 = System.nanoTime();
      work.run();
      wall[i] = (System.nanoTime() - t0) / 1e6;
      cpu[i] = (processCpuNanos() - c0) / 1e6;
    }
    return new double[] {Measure.median(wall), Measure.median(cpu)};
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static void check(String name, FrameworkPeer.Network net, long d, int batch, int classes) {
    if (net.parameters() != d) {
      throw new IllegalStateException("bench k: " + name + " has " + net.parameters()
          + " trainable parameters in PyTorch and " + d + " in DL4J: the networks differ");
    }
    long[] out = net.outputShape();
    if (!Arrays.equals(out, new long[] {batch, classes})) {
      throw new IllegalStateException("bench k: " + name + " outputs " + Arrays.toString(out) + " in PyTorch;"
          + " expected [" + batch + ", " + classes + "]");
    }
  }

  private static void checkGradient(String name, FrameworkPeer.Network net) {
    double norm = net.gradientNorm();
    if (!(norm > 0 && Double.isFinite(norm))) {
      throw new IllegalStateException("bench k: " + name + "'s PyTorch gradient has norm " + norm
          + "; expected finite and positive");
    }
  }

  private static int[] labels(float[] oneHot, int classes) {
    int[] labels = new int[oneHot.length / classes];
    for (int i = 0; i < labels.length; i++) {
      for (int c = 0; c < classes; c++) {
        if (oneHot[i * classes + c] == 1f) {
          labels[i] = c;
        }
      }
    }
    return labels;
  }
}
