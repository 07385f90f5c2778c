package org.signsgd.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.signsgd.data.LabelledData;
import org.signsgd.data.Shards;
import org.signsgd.rng.SeedStreams;

/**
 * A {@link ResNets} network (a DL4J {@link ComputationGraph} with batch normalisation) as a
 * {@link GradientModel}. Like {@link NetworkModel}, every thread builds its network once per (architecture,
 * classes, image size, precision, convolution kernel) and loads x before every use; minibatches, augmentations
 * and the ND4J generator come from (seed, iteration, worker), so a gradient is the same bits on any executor.
 *
 * <p><b>Batch normalisation.</b> A BN layer (Ioffe and Szegedy, "Batch Normalization: Accelerating Deep
 * Network Training by Reducing Internal Covariate Shift", ICML 2015) has two trainable vectors, γ and β, and
 * two running statistics, the mean and the variance that replace the batch's at inference. DL4J keeps the
 * statistics among the parameters and writes a pseudo-gradient at their positions; they are state, not a
 * gradient, so here they are never part of x, of the gradient, or of any message: x is the trainable positions
 * only ({@link ParamRuns}), {@link #dimension()} counts them only ({@link ResNets#trainableCount}).
 * <ul>
 *   <li>Gradients: the forward pass runs in training mode, so every BN layer normalises with its batch's own
 *       mean and (biased) variance, as in He et al. 2016 ("Deep Residual Learning for Image Recognition",
 *       CVPR 2016) and PyTorch's {@code model.train()}; the running statistics take no part, and whatever a
 *       thread's network holds there cannot change a gradient.</li>
 *   <li>Evaluation: the statistics must be the same on every replica and on the driver, and a Byzantine worker
 *       must not be able to move them. They are a deterministic function of x and the job seed: before every
 *       evaluation at x the evaluating thread recomputes them from {@value #CALIBRATION_BATCHES} fixed training
 *       batches of {@value #CALIBRATION_BATCH} images (indices and augmentation draws from
 *       (seed, pass, DRIVER, BN_CALIBRATION)), each pushed through the network in training mode, as training
 *       would push it. Each running mean is the average of the passes' batch means of that layer's input, each
 *       running variance the average of their unbiased batch variances (PyTorch's running_var convention);
 *       evaluation then normalises with (x − mean)/√(var + ε). Whatever was in the thread's network before is
 *       overwritten, so nothing a worker did to its own copy reaches an evaluation. This is the "precise BN"
 *       estimate (Wu and Johnson, "Rethinking 'Batch' in BatchNorm", arXiv:2105.07576, 2021) in place of the
 *       exponential moving average that training would otherwise accumulate: that average would depend on
 *       which batches a replica happened to see, and x alone would not determine the evaluated network.</li>
 * </ul>
 * The cost is {@value #CALIBRATION_BATCHES} × {@value #CALIBRATION_BATCH} training-mode forward passes per
 * evaluation and evaluating thread; a pass holds every activation, as a gradient of a batch of that size does.
 */
public final class GraphModel implements GradientModel {
  private static final long serialVersionUID = 1L;
  /** Test images per forward pass in evaluation (no activation is kept: only the output). */
  private static final int EVAL_CHUNK = 32;
  /**
   * Images per calibration pass. A pass in training mode keeps every activation of the network (ResNet-50 in
   * float: roughly 0.15 GB per 224-px image, so about 2.5 GB for 16), the memory of a 16-image gradient; 32
   * would double that on every executor that evaluates.
   */
  static final int CALIBRATION_BATCH = 16;
  /**
   * Calibration passes whose statistics are averaged: 64 images in all. Averaging passes, not one larger pass,
   * cuts the sampling noise of the estimate without raising the memory of a pass; a pass's batch statistics
   * are also those of a 16-image training batch, the kind of batch the layers were normalised with.
   */
  static final int CALIBRATION_BATCHES = 4;

  private final String name;
  private final int classes;
  private final int imageSize;
  private final DataType type;
  private final boolean gemmConv;
  private final LabelledData data;
  private final Shards shards;
  private final long seed;
  private final boolean augment;
  private final int dimension;
  /** Per thread, one network per architecture, classes, size, precision, kernel and device; weights always loaded. */
  private static final ThreadLocal<Map<String, Net>> NETS = ThreadLocal.withInitial(HashMap::new);
  private transient float[] initial;

  /** A thread's network, its index map, and its BN layers with the vertex each one reads. */
  private record Net(ComputationGraph graph, ParamRuns runs, List<String> norms, List<String> normInputs) {}

  /**
   * @param name {@code resnet18} or {@code resnet50}
   * @param imageSize s: the data's rows are 3·s·s values (CHW) and its targets {@code numClasses} one-hot values
   */
  public GraphModel(String name, int numClasses, int imageSize, DataType type, boolean gemmConv, LabelledData data,
      Shards shards, long seed, boolean augment) {
    ResNets.check(name, numClasses, imageSize);
    if (type != DataType.FLOAT && type != DataType.DOUBLE) {
      throw new IllegalArgumentException(name + ": precision=" + type + "; allowed: FLOAT, DOUBLE");
    }
    if (data.inputs() != 3 * imageSize * imageSize || data.outputs() != numClasses) {
      throw new IllegalArgumentException(name + ": data rows of " + data.inputs() + " inputs and " + data.outputs()
          + " outputs; expected 3·" + imageSize + "·" + imageSize + " = " + 3 * imageSize * imageSize
          + " inputs and " + numClasses + " classes");
    }
    if (data.trainSize() < 2) {
      throw new IllegalArgumentException(name + ": " + data.trainSize() + " training images; allowed: at least 2"
          + " (batch-norm statistics)");
    }
    long d = ResNets.trainableCount(name, numClasses);
    if (d > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(name + ": classes=" + numClasses + " gives d=" + d
          + "; allowed: d below 2^31");
    }
    this.name = name;
    this.classes = numClasses;
    this.imageSize = imageSize;
    this.type = type;
    this.gemmConv = gemmConv;
    this.data = data;
    this.shards = shards;
    this.seed = seed;
    this.augment = augment;
    this.dimension = (int) d;
  }

  @Override
  public String name() {
    return name;
  }

  /** The trainable parameters only (no BN running statistics). */
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

  @Override
  public boolean hasClassLabels() {
    return true;
  }

  /** This thread's network, built on first use. */
  private Net net() {
    // per device too (NetworkModel's NETS): a network built on one GPU is never used on another
    String key = name + "/" + classes + "/" + imageSize + "/" + type + "/" + (gemmConv ? "gemm" : "dl4j") + "/"
        + Nd4j.getAffinityManager().getDeviceForCurrentThread();
    return NETS.get().computeIfAbsent(key, k -> {
      ComputationGraph g = build();
      ParamRuns runs = new ParamRuns(g);
      if (runs.trainableCount() != dimension) {
        throw new IllegalStateException(name + ": the network has " + runs.trainableCount()
            + " trainable parameters; the architecture's count is " + dimension);
      }
      List<String> norms = new ArrayList<>();
      List<String> inputs = new ArrayList<>();
      g.getConfiguration().getVertices().forEach((v, conf) -> {
        if (conf instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BatchNormalization) {
          norms.add(v);
          inputs.add(g.getConfiguration().getVertexInputs().get(v).get(0));
        }
      });
      return new Net(g, runs, norms, inputs);
    });
  }

  /** This thread's graph (tests reach its BN statistics through it). */
  ComputationGraph graph() {
    return net().graph();
  }

  private ComputationGraph build() {
    ComputationGraph g = new ComputationGraph(ResNets.config(name, classes, imageSize, seed, type, gemmConv));
    g.init();
    return g;
  }

  /** x₀: the trainable parameters of a network initialised from the seed (see {@link ResNets}). */
  @Override
  public synchronized float[] initialParameters() {
    if (initial == null) {
      ComputationGraph g = build();
      initial = new ParamRuns(g).trainable(g);
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

  /** An image folder's listing ({@link org.signsgd.data.ImageFolder#fingerprint}); null for MNIST. */
  @Override
  public String dataFingerprint() {
    return data instanceof org.signsgd.data.ImageFolderData f ? f.folder().fingerprint() : null;
  }

  @Override
  public double loss(float[] x) {
    throw new UnsupportedOperationException(name + " has no exact training loss; use the workers' batch losses");
  }

  @Override
  public float[] exactGradient(float[] x) {
    throw new UnsupportedOperationException(name + " has no exact gradient; use the honest workers' mean");
  }

  /** The undecodable training images this thread met since the last call (image folders count them). */
  @Override
  public long takeBadImages() {
    return data.takeBadImages();
  }

  @Override
  public double stochasticGradient(float[] x, int batchSize, long iteration, int worker, float[] out) {
    return stochasticGradient(x, batchSize, iteration, worker, out, false);
  }

  /**
   * The gradient of the mean cross-entropy over worker {@code worker}'s batch at iteration t, BN in training
   * mode; with {@code flipLabels}, class c becomes C − 1 − c.
   */
  @Override
  public double stochasticGradient(float[] x, int batchSize, long iteration, int worker, float[] out,
      boolean flipLabels) {
    int last = ResNets.finalSize(imageSize);
    if ((long) batchSize * last * last < 2) {
      // PyTorch refuses this too ("Expected more than 1 value per channel when training")
      throw new IllegalArgumentException(name + " at image_size " + imageSize + " needs batch_size >= 2: batch "
          + "norm in its last stage normalises batch_size x " + last + " x " + last + " values per channel, and "
          + "one value has no variance; set batch_size to 2 or more");
    }
    float[][] xy = batch(batchSize, iteration, worker, flipLabels);
    return gradientOn(x, xy[0], xy[1], xy[1].length / classes, SeedStreams.of(seed, iteration, worker,
        SeedStreams.Purpose.DROPOUT).nextLong(), out);
  }

  /** Worker {@code worker}'s batch at iteration t: its rows and their one-hot targets (flipped on request). */
  private float[][] batch(int batchSize, long iteration, int worker, boolean flipLabels) {
    int[] idx = shards.batch(worker, iteration, batchSize);
    float[] fx = new float[idx.length * data.inputs()];
    float[] fy = new float[idx.length * classes];
    RandomGenerator aug = augment ? SeedStreams.of(seed, iteration, worker, SeedStreams.Purpose.AUGMENT) : null;
    data.train(idx, aug, fx, fy);
    if (flipLabels) {
      NetworkModel.flip(fy, classes);
    }
    return new float[][] {fx, fy};
  }

  /**
   * The loss {@link #stochasticGradient} returns, by a training-mode forward pass alone (no backward pass):
   * for finite differences.
   */
  double batchLoss(float[] x, int batchSize, long iteration, int worker) {
    float[][] xy = batch(batchSize, iteration, worker, false);
    int rows = xy[1].length / classes;
    ComputationGraph g = loaded(x).graph();
    double loss = g.score(new DataSet(matrix(xy[0], rows, data.inputs()), matrix(xy[1], rows, classes)), true);
    g.clear();
    return loss;
  }

  /** The gradient of the mean loss over the rows (fx, fy) at x into {@code out}; returns that loss. */
  double gradientOn(float[] x, float[] fx, float[] fy, int rows, long randomSeed, float[] out) {
    if (out.length != dimension) {
      throw new IllegalArgumentException(name + ": a gradient buffer of " + out.length + "; expected d="
          + dimension);
    }
    Net net = loaded(x);
    ComputationGraph g = net.graph();
    g.setInputs(matrix(fx, rows, data.inputs()));
    g.setLabels(matrix(fy, rows, classes));
    Nd4j.getRandom().setSeed(randomSeed);
    g.computeGradientAndScore();
    // DL4J's backward pass gives the gradient of the summed loss and the score is the mean: divide
    net.runs().gradient(g.gradient().gradient(), rows, out);
    double loss = g.score();
    g.clear();
    return loss;
  }

  private Net loaded(float[] x) {
    if (x.length != dimension) {
      throw new IllegalArgumentException(name + ": a parameter vector of d=" + x.length + "; expected d="
          + dimension);
    }
    Net net = net();
    net.runs().load(net.graph(), x);
    return net;
  }

  /**
   * Sets every BN layer's running mean and variance from the fixed calibration batches at the loaded x (see
   * the class comment).
   */
  private void calibrate(Net net) {
    int layers = net.norms().size();
    double[][] mean = new double[layers][];
    double[][] var = new double[layers][];
    int n = Math.min(CALIBRATION_BATCH, data.trainSize());
    for (int pass = 0; pass < CALIBRATION_BATCHES; pass++) {
      Map<String, INDArray> acts = net.graph().feedForward(matrix(calibrationInputs(pass), n, data.inputs()),
          true);
      for (int l = 0; l < layers; l++) {
        INDArray a = acts.get(net.normInputs().get(l));
        mean[l] = accumulate(mean[l], a.mean(0, 2, 3));
        var[l] = accumulate(var[l], a.var(true, 0, 2, 3));
      }
    }
    for (int l = 0; l < layers; l++) {
      Layer bn = net.graph().getLayer(net.norms().get(l));
      assign(bn.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN), mean[l]);
      assign(bn.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR), var[l]);
    }
    net.graph().clear();
  }

  /** sum + v / CALIBRATION_BATCHES, in double. */
  private static double[] accumulate(double[] sum, INDArray v) {
    double[] a = v.castTo(DataType.DOUBLE).toDoubleVector();
    double[] s = sum == null ? new double[a.length] : sum;
    for (int i = 0; i < a.length; i++) {
      s[i] += a[i] / CALIBRATION_BATCHES;
    }
    return s;
  }

  private void assign(INDArray param, double[] values) {
    param.assign(Nd4j.createFromArray(values).castTo(type).reshape(param.shape()));
  }

  /**
   * The inputs of calibration pass k: min(CALIBRATION_BATCH, n) distinct training rows drawn from
   * (seed, k, DRIVER, BN_CALIBRATION), augmented from the rest of that stream when the model augments.
   */
  float[] calibrationInputs(int pass) {
    RandomGenerator rng = SeedStreams.of(seed, pass, SeedStreams.DRIVER, SeedStreams.Purpose.BN_CALIBRATION);
    int[] idx = distinct(data.trainSize(), Math.min(CALIBRATION_BATCH, data.trainSize()), rng);
    float[] fx = new float[idx.length * data.inputs()];
    data.train(idx, augment ? rng : null, fx, new float[idx.length * classes]);
    // an undecodable image met here is not a training batch's: bad_images counts those only
    data.takeBadImages();
    return fx;
  }

  /** k distinct values of 0..n−1 (a partial Fisher–Yates shuffle over a sparse map: O(k), not O(n)). */
  static int[] distinct(int n, int k, RandomGenerator rng) {
    Map<Integer, Integer> moved = new HashMap<>();
    int[] out = new int[k];
    for (int i = 0; i < k; i++) {
      int j = i + rng.nextInt(n - i);
      out[i] = moved.getOrDefault(j, j);
      moved.put(j, moved.getOrDefault(i, i));
    }
    return out;
  }

  private INDArray matrix(float[] values, int rows, int cols) {
    INDArray m = NetworkModel.floats(values, new long[] {rows, cols});
    return type == DataType.FLOAT ? m : m.castTo(type);
  }

  /** Test loss (mean cross-entropy) and accuracy over the whole test set, BN statistics calibrated at x. */
  @Override
  public Evaluation evaluate(float[] x) {
    return sums(x, 0, data.testSize()).evaluation();
  }

  /** Test rows [w·N/Q, (w+1)·N/Q), BN statistics calibrated at x (the same on every worker). */
  @Override
  public TestSums testSlice(float[] x, int worker, int workers) {
    int n = data.testSize();
    return sums(x, (int) ((long) n * worker / workers), (int) ((long) n * (worker + 1) / workers));
  }

  private TestSums sums(float[] x, int start, int end) {
    Net net = loaded(x);
    calibrate(net);
    TestScores scores = new TestScores();
    for (int from = start; from < end; from += EVAL_CHUNK) {
      int rows = Math.min(end, from + EVAL_CHUNK) - from;
      float[] fx = new float[rows * data.inputs()];
      float[] fy = new float[rows * classes];
      data.test(from, from + rows, fx, fy);
      float[] p = net.graph().output(false, matrix(fx, rows, data.inputs()))[0].castTo(DataType.FLOAT).dup('c')
          .data().asFloat();
      scores.addClasses(p, fy, rows, classes);
    }
    net.graph().clear();
    return scores.sums(end - start, true);
  }
}
