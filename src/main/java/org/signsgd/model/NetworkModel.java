package org.signsgd.model;

import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.signsgd.data.LabelledData;
import org.signsgd.data.Shards;
import org.signsgd.rng.SeedStreams;

/**
 * A DL4J {@link MultiLayerNetwork} as a {@link GradientModel}: all parameters and gradients as one flat vector
 * in DL4J's parameter order. Every thread that computes gradients (one Spark task slot, or the driver) builds
 * its own network once and reuses it across iterations and runs; the model itself ships only the network's
 * name, the data's location and the shards. Before every forward pass the thread's ND4J generator is seeded from
 * (seed, iteration, worker, DROPOUT), so dropout masks, like minibatches and augmentations, are the same on
 * any executor. Not exact: the train loss is the honest workers' minibatch mean and the reference gradient is
 * their mean gradient ({@link org.signsgd.train.HonestMean}).
 */
public final class NetworkModel implements GradientModel {
  private static final long serialVersionUID = 1L;
  private static final int EVAL_CHUNK = 128;

  private final String name;
  private final DataType type;
  private final boolean gemmConv;
  private final LabelledData data;
  private final Shards shards;
  private final long seed;
  private final boolean augment;
  private final int dimension;
  /**
   * Per thread, one network per (architecture, precision, device), shared by every run: the weights a network was
   * built with never matter, because every use first loads x. A bounded set, so nothing piles up across runs. The
   * device is the one ND4J binds the thread to (a task's GPU, train.DeviceBinding; always 0 on the CPU backend): a
   * thread that runs tasks of different GPUs over time never uses a network whose arrays live on another.
   */
  private static final ThreadLocal<Map<String, MultiLayerNetwork>> NETS = ThreadLocal.withInitial(HashMap::new);
  private transient float[] initial;

  public NetworkModel(String name, DataType type, boolean gemmConv, LabelledData data, Shards shards, long seed,
      boolean augment) {
    this.name = name;
    this.type = type;
    this.gemmConv = gemmConv;
    this.data = data;
    this.shards = shards;
    this.seed = seed;
    this.augment = augment;
    this.dimension = Math.toIntExact(network().numParams());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public boolean exact() {
    return false;
  }

  public DataType precision() {
    return type;
  }

  /** This thread's network of this architecture and precision, built on first use. */
  private MultiLayerNetwork network() {
    return NETS.get().computeIfAbsent(name + "/" + type + "/" + (gemmConv ? "gemm" : "dl4j") + "/"
        + Nd4j.getAffinityManager().getDeviceForCurrentThread(), k -> {
      MultiLayerNetwork net = new MultiLayerNetwork(Networks.config(name, seed, type, gemmConv));
      net.init();
      return net;
    });
  }

  @Override
  public synchronized float[] initialParameters() {
    if (initial == null) {
      MultiLayerNetwork net = new MultiLayerNetwork(Networks.config(name, seed, type, gemmConv));
      net.init();
      initial = net.params().castTo(DataType.FLOAT).toFloatVector();
    }
    return initial.clone();
  }

  @Override
  public synchronized float[] sharedInitialParameters() {
    if (initial == null) {
      initialParameters(); // builds and keeps it (its copy is dropped once; later calls make none)
    }
    return initial;
  }

  @Override
  public double loss(float[] x) {
    throw new UnsupportedOperationException(name + " has no exact training loss; use the workers' batch losses");
  }

  @Override
  public float[] exactGradient(float[] x) {
    throw new UnsupportedOperationException(name + " has no exact gradient; use the honest workers' mean");
  }

  /** Minibatch gradient of the mean loss over the batch (PyTorch's convention), and that loss. */
  @Override
  public double stochasticGradient(float[] x, int batchSize, long iteration, int worker, float[] out) {
    return stochasticGradient(x, batchSize, iteration, worker, out, false);
  }

  @Override
  public long takeBadImages() {
    return data.takeBadImages();
  }

  @Override
  public boolean hasClassLabels() {
    return data.classification();
  }

  /** With {@code flipLabels}, each one-hot row is reversed: class c becomes C − 1 − c. */
  @Override
  public double stochasticGradient(float[] x, int batchSize, long iteration, int worker, float[] out,
      boolean flipLabels) {
    if (flipLabels && !hasClassLabels()) {
      throw new IllegalArgumentException(name + " has no class labels to flip");
    }
    int[] idx = shards.batch(worker, iteration, batchSize);
    float[] fx = new float[idx.length * data.inputs()];
    float[] fy = new float[idx.length * data.outputs()];
    RandomGenerator aug = augment ? SeedStreams.of(seed, iteration, worker, SeedStreams.Purpose.AUGMENT) : null;
    data.train(idx, aug, fx, fy);
    if (flipLabels) {
      flip(fy, data.outputs());
    }
    return gradientOn(x, fx, fy, idx.length, SeedStreams.of(seed, iteration, worker, SeedStreams.Purpose.DROPOUT)
        .nextLong(), out);
  }

  /**
   * The gradient of the mean loss over the rows (fx, fy) at x, written into {@code out}, with dropout masks
   * drawn from {@code dropoutSeed}; returns that loss.
   */
  double gradientOn(float[] x, float[] fx, float[] fy, int rows, long dropoutSeed, float[] out) {
    MultiLayerNetwork net = network();
    load(net, x);
    net.setInput(matrix(fx, rows, data.inputs()));
    net.setLabels(matrix(fy, rows, data.outputs()));
    Nd4j.getRandom().setSeed(dropoutSeed);
    net.computeGradientAndScore();
    // DL4J's backward pass gives the gradient of the summed loss (its updater divides by the batch size later);
    // the score is the mean. Divide, so that the gradient is that of the loss returned.
    INDArray g = net.gradient().gradient().divi(rows);
    copyOut(g, out);
    net.clear();
    return net.score();
  }

  /** Reverses every row of C one-hot values. */
  static void flip(float[] y, int classes) {
    for (int r = 0; r < y.length; r += classes) {
      for (int a = r, b = r + classes - 1; a < b; a++, b--) {
        float t = y[a];
        y[a] = y[b];
        y[b] = t;
      }
    }
  }

  private void load(MultiLayerNetwork net, float[] x) {
    if (x.length != dimension) {
      throw new IllegalArgumentException(name + ": a parameter vector of d=" + x.length + "; expected d=" + dimension);
    }
    INDArray params = net.params();
    if (type == DataType.FLOAT && params.isView() == false && params.length() == dimension
        && params.data().length() == dimension) {
      params.data().asNioFloat().put(x, 0, dimension); // one bulk copy into the native buffer
    } else {
      params.assign(floats(x, params.shape()).castTo(type));
    }
  }

  private INDArray matrix(float[] values, int rows, int cols) {
    INDArray m = floats(values, new long[] {rows, cols});
    return type == DataType.FLOAT ? m : m.castTo(type);
  }

  /**
   * A c-order float array holding {@code values}, filled by one bulk copy into its native buffer (ND4J's
   * {@code Nd4j.create(float[], ...)} writes element by element: a tenth of an MLP gradient's time).
   */
  static INDArray floats(float[] values, long[] shape) {
    INDArray m = Nd4j.create(DataType.FLOAT, shape, 'c');
    m.data().asNioFloat().put(values, 0, (int) m.length());
    return m;
  }

  /** The first {@code out.length} values of a float array, by one bulk copy where its buffer allows it. */
  static void copyOut(INDArray g, float[] out) {
    if (g.dataType() == DataType.FLOAT && g.ordering() == 'c' && g.offset() == 0 && !g.isView()
        && g.data().length() >= out.length) {
      g.data().asNioFloat().get(out, 0, out.length);
    } else {
      float[] flat = g.castTo(DataType.FLOAT).toFloatVector();
      System.arraycopy(flat, 0, out, 0, out.length);
    }
  }

  /** Test loss (mean cross-entropy, or MSE for a regression target) and accuracy over the whole test set. */
  @Override
  public Evaluation evaluate(float[] x) {
    return sums(x, 0, data.testSize()).evaluation();
  }

  /** Test rows [w·N/Q, (w+1)·N/Q). */
  @Override
  public TestSums testSlice(float[] x, int worker, int workers) {
    int n = data.testSize();
    return sums(x, (int) ((long) n * worker / workers), (int) ((long) n * (worker + 1) / workers));
  }

  private TestSums sums(float[] x, int start, int end) {
    MultiLayerNetwork net = network();
    load(net, x);
    TestScores scores = new TestScores();
    int k = data.outputs();
    for (int from = start; from < end; from += EVAL_CHUNK) {
      int to = Math.min(end, from + EVAL_CHUNK);
      int rows = to - from;
      float[] fx = new float[rows * data.inputs()];
      float[] fy = new float[rows * k];
      data.test(from, to, fx, fy);
      float[] p = net.output(matrix(fx, rows, data.inputs()), false).castTo(DataType.FLOAT).dup('c').data()
          .asFloat();
      if (data.classification()) {
        scores.addClasses(p, fy, rows, k);
      } else {
        scores.addSquaredErrors(p, fy, rows);
      }
    }
    net.clear();
    return scores.sums(end - start, data.classification());
  }
}
