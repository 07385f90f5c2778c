package org.signsgd.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.signsgd.job.JobFile;
import org.signsgd.job.JobSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.signsgd.data.Shards;
import org.signsgd.model.GradientModel;
import org.signsgd.model.GraphModel;
import org.signsgd.model.Models;
import org.signsgd.spec.RuleSpec;
import org.signsgd.train.Driver;
import org.signsgd.train.Engine;
import org.signsgd.train.InProcessEngine;
import org.signsgd.train.IterationRow;
import org.signsgd.train.Phases;
import org.signsgd.train.RunLifecycle;
import org.signsgd.train.RunStatus;
import org.signsgd.train.SparkEngine;

/**
 * The measurements of the {@code bench} command, all in one run on this machine (sections a–k): the vote
 * kernel (JMH), single-threaded gradients, a 27-worker network iteration against its gradient floor, bytes on
 * the wire, the toy quadratic on both engines and the Spark engine's per-iteration overhead, and how an
 * iteration grows with Q and d, whole ResNet gradients and image decoding (i), the server's work at ResNet-50's d
 * on the driver against sharded (j), and the same gradients in PyTorch against this project's DL4J path (k, with
 * the {@code pytorch-peer} profile). {@code quick} shrinks every size so that a test can run it.
 */
public final class Bench {
  private final SparkSession spark;
  private final Path mnist;
  private final boolean quick;
  private final PrintWriter progress;
  private final int cores;
  private final List<BenchRow> rows = new ArrayList<>();

  public Bench(SparkSession spark, Path mnist, boolean quick, PrintWriter progress) {
    this.spark = spark;
    this.mnist = mnist;
    this.quick = quick;
    this.progress = progress;
    this.cores = spark.sparkContext().defaultParallelism();
  }

  /** The sections, in the order they run. */
  public static final java.util.Set<String> SECTIONS = new java.util.LinkedHashSet<>(List.of("a", "b", "c", "d",
      "e", "f", "g", "h", "i", "j", "k"));

  /** The sections that read MNIST (the network's gradients and iterations, the comparisons with DL4J and PyTorch). */
  public static final java.util.Set<String> NEEDS_MNIST = new java.util.LinkedHashSet<>(List.of("b", "c", "d", "h",
      "k"));

  public List<BenchRow> run(java.util.Set<String> sections) throws IOException, RunnerException {
    if (sections.contains("a")) {
      voteKernel();
    }
    if (sections.contains("b")) {
      gradients();
    }
    double samples = sections.contains("c") || sections.contains("d") || sections.contains("h")
        ? networkIteration() : Double.NaN;
    if (sections.contains("e")) {
      bytes();
    }
    if (sections.contains("f")) {
      toy();
    }
    if (sections.contains("g")) {
      scaling();
    }
    if (sections.contains("h")) {
      comparison(samples);
    }
    if (sections.contains("i")) {
      resNetGradients();
      imageThroughput();
    }
    if (sections.contains("j")) {
      serverAtScale();
    }
    if (sections.contains("k")) {
      pytorchPeer();
    }
    return rows;
  }

  private void note(String what) {
    progress.println("bench: " + what + " ...");
    progress.flush();
  }

  private void add(String section, String what, double value, String unit, double ratio, String target) {
    rows.add(new BenchRow(section, what, value, unit, ratio, target));
  }

  private static String met(boolean ok, String target) {
    return target + (ok ? "  met" : "  NOT met");
  }

  /** (a) Bit-sliced vote vs scalar oracle vs float sum, Q = 27, d = 1.2M (JMH). */
  private void voteKernel() throws RunnerException {
    int d = quick ? 100_000 : 1_199_882;
    note("vote kernel, JMH, Q=27 d=" + d);
    Options opt = new OptionsBuilder().include(VoteKernelBenchmark.class.getName())
        .param("workers", "27").param("dimension", Integer.toString(d))
        .forks(quick ? 0 : 1).warmupIterations(quick ? 1 : 3).measurementIterations(quick ? 2 : 5)
        .warmupTime(TimeValue.milliseconds(quick ? 200 : 1000))
        .measurementTime(TimeValue.milliseconds(quick ? 200 : 1000))
        // the fork inherits this JVM's flags: not the fixed, pre-touched heap local.sh gives the bench (two JVMs
        // touching 19 GB each would not fit the machine); the kernel's vectors take a few MB
        .jvmArgsAppend("-Xms64m", "-Xmx1g", "-XX:-AlwaysPreTouch")
        .verbosity(VerboseMode.SILENT).build();
    Collection<RunResult> results = new Runner(opt).run();
    double bit = Double.NaN;
    double tally = Double.NaN;
    double scalar = Double.NaN;
    double sum = Double.NaN;
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      double ms = r.getPrimaryResult().getScore();
      if (name.endsWith("onePass")) {
        bit = ms;
      } else if (name.endsWith("bitSliced")) {
        tally = ms;
      } else if (name.endsWith("scalarOracle")) {
        scalar = ms;
      } else {
        sum = ms;
      }
    }
    add("a", "vote, bit-sliced one pass (the driver's kernel, Q=27, d=" + d + ")", bit, "ms", Double.NaN, "");
    add("a", "vote, bit-sliced mergeable tally (plane arrays)", tally, "ms", tally / bit, "");
    add("a", "vote, scalar oracle", scalar, "ms", scalar / bit, "");
    add("a", "float-sum loop over 27 float[d]", sum, "ms", sum / bit, met(sum / bit >= 10,
        "float sum / bit-sliced >= 10"));
  }

  /**
   * (b) One batch-64 gradient, single-threaded: mlp, and mengoli-cnn with this project's gemm convolution
   * against DL4J's built-in convolution (the generic binary's path), on the same batches; then one forward and
   * backward pass of single ResNet convolutions at ImageNet sizes, batch 8, both ways ({@link
   * ResNetConvolutions}: the stem, 3×3 stride 1 and 2, 1×1 stride 1 and 2). @return the CNN's, ms
   */
  private double gradients() {
    int cnnBatch = quick ? 8 : 64;
    double mlp = gradientMs("mlp", "gemm", 64);
    add("b", "gradient mlp, batch 64, 1 thread", mlp, "ms", Double.NaN, "");
    double gemm = gradientMs("mengoli-cnn", "gemm", cnnBatch);
    double dl4j = gradientMs("mengoli-cnn", "dl4j", cnnBatch);
    add("b", "gradient mengoli-cnn, batch " + cnnBatch + ", 1 thread, DL4J's convolution", dl4j, "ms", Double.NaN,
        "");
    add("b", "gradient mengoli-cnn, batch " + cnnBatch + ", 1 thread, gemm convolution (default)", gemm, "ms",
        dl4j / gemm, quick ? "" : met(dl4j / gemm >= 3, "DL4J's / ours >= 3"));
    resNetConvolutions();
    return gemm;
  }

  /** (b) Forward+backward of single ResNet convolutions (float, no bias), gemm and DL4J's, ms and GFLOP/s. */
  private void resNetConvolutions() {
    int batch = quick ? 2 : 8;
    note("ResNet convolutions, batch " + batch + ", forward+backward, 1 thread");
    List<ResNetConvolutions.Timing> t = ResNetConvolutions.measure(quick, batch, false);
    for (int i = 0; i + 1 < t.size(); i += 2) {
      ResNetConvolutions.Timing gemm = t.get(i);
      ResNetConvolutions.Timing dl4j = t.get(i + 1);
      String what = "ResNet conv " + gemm.conv().geometry() + ", batch " + batch + ", fwd+bwd, 1 thread, ";
      add("b", what + "DL4J's", dl4j.gradientMs(), "ms", Double.NaN, "");
      add("b", what + "gemm", gemm.gradientMs(), "ms", dl4j.gradientMs() / gemm.gradientMs(), "");
      add("b", what + "gemm", gemm.gradientGflops(), "GFLOP/s", gemm.gradientGflops() / dl4j.gradientGflops(), "");
    }
  }

  private double gradientMs(String net, String conv, int batch) {
    note("gradient " + net + " (conv " + conv + ") batch " + batch);
    GradientModel m = Models.create(new RuleSpec(net, Map.of("conv", conv)), mnistSpec(), 1, 27);
    float[] x = m.initialParameters();
    float[] g = new float[m.dimension()];
    long[] t = {0};
    return Measure.medianMs(quick ? 1 : 3, quick ? 2 : 7, () -> m.stochasticGradient(x, batch, t[0]++, 0, g));
  }

  /**
   * (i) One whole ResNet-18 and ResNet-50 gradient (He, Zhang, Ren &amp; Sun 2016, "Deep residual learning for
   * image recognition") at batch 32, 224 px, 1000 classes, float, one thread, through {@link GraphModel} on
   * random images (no image folder): this project's gemm convolution against DL4J's, ms and GFLOP/s. The work is
   * forward + backward ≈ 3 × the forward FLOPs (2 per multiply-add; ResNet-18 1.82 and ResNet-50 4.09 G
   * multiply-adds per image), ≈ 10.9 and 24.5 GFLOP per image. A ResNet-50 gradient at batch 32 takes tens of
   * seconds on one thread, so ResNet-18 is 1 warm-up + median of 2, ResNet-50 1 warm-up + 1. Quick: ResNet-18
   * at 32 px (every feature map 7 times smaller per side, so (32/224)² of the convolutions' work), batch 2, 10
   * classes, 0 + 1. Each measurement runs on a thread of its own, whose network and ND4J workspaces go with it.
   */
  /**
   * The Java heap a ResNet-50 gradient at batch 32 wants: measured 3.7 GB in use after it (the gemm
   * convolution's per-layer float[] buffers: each layer's input and columns), 6.3 GB committed; its ND4J
   * workspaces (5.4 GB) are off the heap.
   */
  private static final long RESNET50_HEAP = 8L << 30;

  private void resNetGradients() {
    int size = quick ? 32 : 224;
    int batch = quick ? 2 : 32;
    int classes = quick ? 10 : 1000;
    double scale = (double) size * size / (224.0 * 224.0);
    for (String net : quick ? List.of("resnet18") : List.of("resnet18", "resnet50")) {
      long heap = Runtime.getRuntime().maxMemory();
      if (!quick && net.equals("resnet50") && heap < RESNET50_HEAP) {
        add("i", "gradient resnet50, batch 32: not measured, it needs -Xmx8g or more (SIGNSGD_JAVA_OPTS=-Xmx10g);"
            + " this JVM has " + heap / (1 << 20) + " MiB", Double.NaN, "", Double.NaN, "");
        continue;
      }
      double gflopPerImage = (net.equals("resnet18") ? 10.9 : 24.5) * scale;
      int warmup = quick ? 0 : 1;
      int reps = quick ? 1 : net.equals("resnet18") ? 2 : 1;
      String runs = warmup + " warm-up + " + (reps == 1 ? "1 timed" : "median of " + reps);
      double[] ms = new double[2];
      for (int k = 0; k < 2; k++) {
        boolean gemm = k == 0;
        note("gradient " + net + " (conv " + (gemm ? "gemm" : "dl4j") + ") batch " + batch + " at " + size + " px");
        ms[k] = onOwnThread(() -> {
          GraphModel m = new GraphModel(net, classes, size, DataType.FLOAT, gemm,
              new SyntheticImages(size, classes, 2 * batch), Shards.shared(2 * batch, 1, 1), 1, false);
          float[] x = m.initialParameters();
          float[] g = new float[m.dimension()];
          long[] t = {0};
          return Measure.medianMs(warmup, reps, () -> m.stochasticGradient(x, batch, t[0]++, 0, g));
        });
      }
      double gflop = gflopPerImage * batch;
      String what = "gradient " + net + ", batch " + batch + ", " + size + " px, " + classes + " classes, 1 thread ("
          + runs + "), ";
      add("i", what + "DL4J's convolution", ms[1], "ms", Double.NaN, "");
      add("i", what + "gemm convolution (default)", ms[0], "ms", ms[1] / ms[0], "");
      add("i", "  as GFLOP/s of fwd+bwd (" + String.format(java.util.Locale.ROOT, "%.1f", gflop)
          + " GFLOP), DL4J's convolution", gflop / ms[1] * 1000, "GFLOP/s", Double.NaN, "");
      add("i", "  as GFLOP/s, gemm convolution", gflop / ms[0] * 1000, "GFLOP/s", ms[1] / ms[0], "");
    }
  }

  /**
   * (i) Decode + transform throughput of an image folder at 224 px, one thread, images per second: {@link
   * ImageFolderData#train} with its augmentation (RandomResizedCrop + flip) and {@link ImageFolderData#test}
   * (resize + centre crop), reading the files through the Hadoop file system as tasks do, on JPEGs written here
   * at ImageNet's typical size (500×375, quality 90, smooth colour gradients plus noise, so that their size is
   * near ImageNet's average of about 110 KB). 2 classes × 32 images per split (quick: 2 × 2 at 160×120); one
   * warm-up pass over each split, then the median of 3 (quick: 0 + 1).
   */
  private void imageThroughput() throws IOException {
    int perClass = quick ? 2 : 32;
    int width = quick ? 160 : 500;
    int height = quick ? 120 : 375;
    int size = quick ? 32 : 224;
    Path root = Files.createTempDirectory("bench-images");
    try {
      note("writing " + 4 * perClass + " JPEGs of " + width + "x" + height);
      long bytes = SyntheticJpegs.write(root, 2, perClass, width, height);
      org.signsgd.data.ImageFolderData data = org.signsgd.data.ImageFolderData.of(root.toString(), size, true);
      int n = data.trainSize();
      int[] idx = new int[n];
      for (int i = 0; i < n; i++) {
        idx[i] = i;
      }
      float[] x = new float[n * data.inputs()];
      float[] y = new float[n * data.outputs()];
      long[] pass = {0};
      int warmup = quick ? 0 : 1;
      int reps = quick ? 1 : 3;
      note("decode + training transform, " + n + " images");
      double trainMs = Measure.medianMs(warmup, reps, () -> {
        java.util.Arrays.fill(y, 0f);
        data.train(idx, new java.util.SplittableRandom(pass[0]++), x, y);
      });
      int m = data.testSize();
      float[] ty = new float[m * data.outputs()];
      note("decode + evaluation transform, " + m + " images");
      double testMs = Measure.medianMs(warmup, reps, () -> {
        java.util.Arrays.fill(ty, 0f);
        data.test(0, m, x, ty);
      });
      String what = width + "x" + height + " JPEGs (q90, mean " + bytes / (4 * perClass) / 1000 + " KB) -> " + size
          + " px, 1 thread";
      add("i", "decode + RandomResizedCrop/flip/normalise, " + what, n / (trainMs / 1000), "images/s", Double.NaN,
          "");
      add("i", "decode + resize/centre crop/normalise, " + what, m / (testMs / 1000), "images/s", Double.NaN, "");
    } finally {
      try (var files = Files.walk(root)) {
        for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  /**
   * (k) The same gradients in PyTorch's C++ runtime (through DJL) and in this project's DL4J path, one thread
   * each ({@link PeerComparison}); without the {@code pytorch-peer} profile's classes, one row saying how to get
   * them.
   */
  private void pytorchPeer() {
    if (!PeerComparison.available()) {
      add("k", "not measured: " + FrameworkPeer.HOW_TO_ENABLE, Double.NaN, "", Double.NaN, "");
      return;
    }
    rows.addAll(new PeerComparison(mnist, quick, progress).run());
  }

  /** True when section k's PyTorch peer is on the classpath (the {@code pytorch-peer} profile). */
  public static boolean peerAvailable() {
    return PeerComparison.available();
  }

  /** Runs {@code work} on a new thread and waits; its thread-local networks and ND4J workspaces go with it. */
  static double onOwnThread(java.util.concurrent.Callable<Double> work) {
    double[] out = {Double.NaN};
    Throwable[] failed = {null};
    Thread t = new Thread(() -> {
      try {
        out[0] = work.call();
      } catch (Throwable e) {
        failed[0] = e;
      } finally {
        org.nd4j.linalg.factory.Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
      }
    }, "bench-resnet");
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("bench interrupted", e);
    }
    System.gc();
    if (failed[0] != null) {
      throw new IllegalStateException("bench: a gradient failed: " + failed[0], failed[0]);
    }
    return out[0];
  }

  private RuleSpec mnistSpec() {
    return new RuleSpec("mnist", Map.of("dir", mnist.toString()));
  }

  /**
   * (c, d) A 27-worker mengoli-cnn iteration on this master, split into its phases, against the floor: the same
   * iterations' 27 gradients on the same batches, computed here one after another, over the cores.
   * @return samples per second of the run
   */
  private double networkIteration() throws IOException {
    int batch = quick ? 8 : 64;
    int iterations = quick ? 2 : 7;
    note("27-worker mengoli-cnn iterations on " + spark.sparkContext().master());
    JobSpec spec = spec("""
        name: bench-cnn
        model: {name: mengoli-cnn}
        data: {name: mnist, dir: '%s'}
        workers: 27
        byzantine: 5
        attack: {name: byzantine-vote}
        momentum: {beta: 0.9}
        weight_decay: 0.05
        batch_size: %d
        iterations: %d
        lr: {schedule: constant, initial: 1.0e-4}
        """.formatted(mnist, batch, iterations));
    Phases phases = new Phases(cores);
    Driver driver = new Driver(spec).recordPhases(phases);
    // the floor is measured before and after the run, and averaged, so that a drift of the machine's speed
    // during the run (a shared host) weighs on both sides alike
    double floorBefore = floorMs(driver.model(), batch, iterations);
    List<IterationRow> out = new ArrayList<>();
    ended(RunLifecycle.run(new SparkEngine(jsc()), driver, out::add));
    double floors[] = {floorBefore, floorMs(driver.model(), batch, iterations)};
    // iteration 0 pays for building the networks and JIT: the medians of the rest
    double iteration = Measure.median(out.stream().skip(1).mapToDouble(IterationRow::iterationMs).toArray());
    add("c", "mengoli-cnn iteration, Q=27, batch " + batch + ", " + cores + " cores (median)", iteration, "ms",
        Double.NaN, "");
    double[] med = phases.medians(1);
    for (Phases.Phase p : Phases.Phase.values()) {
      String phase = p.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
      add("c", "  " + phase + ": " + PHASE_NOTES.get(p), med[p.ordinal()],
          "ms", med[p.ordinal()] / iteration, "");
    }
    double floor = (floors[0] + floors[1]) / 2;
    double parallel = parallelFloorMs(driver.model(), batch, iterations);
    add("d", "iteration / floor (27 gradients of the same batches / " + cores + " cores = "
        + String.format("%.0f ms", floor) + ")", iteration / floor, "x", iteration / floor,
        quick ? "" : met(iteration / floor <= 1.10, "<= 1.10"));
    add("d", "  the same gradients on " + cores + " threads outside Spark (what the cores give together)", parallel,
        "ms", parallel / floor, "");
    add("d", "  iteration / that parallel floor: Spark's and the job's own share", iteration / parallel, "x",
        iteration / parallel, "");
    return 27.0 * batch / (iteration / 1000);
  }

  /**
   * The floor: the median over iterations 1 .. iterations-1 of the 27 workers' gradients of that iteration, on
   * the same batches as the run, one after another on this thread, divided by the cores.
   */
  private double floorMs(GradientModel m, int batch, int iterations) {
    note("the same gradients outside Spark (the floor)");
    float[] x = m.initialParameters();
    float[] g = new float[m.dimension()];
    double[] floors = new double[iterations - 1];
    for (int t = 1; t < iterations; t++) {
      long t0 = System.nanoTime();
      for (int w = 0; w < 27; w++) {
        m.stochasticGradient(x, batch, t, w, g);
      }
      floors[t - 1] = (System.nanoTime() - t0) / 1e6 / cores;
    }
    return Measure.median(floors);
  }

  /**
   * The same 27 gradients per iteration on {@code cores} plain threads (each with its own network), workers
   * dealt round-robin: what the cores deliver together, memory and cache contention included.
   */
  private double parallelFloorMs(GradientModel m, int batch, int iterations) {
    note("the same gradients on " + cores + " threads outside Spark");
    float[] x = m.initialParameters();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(cores);
    try {
      double[] times = new double[iterations - 1];
      for (int t = 1; t < iterations; t++) {
        long it = t;
        List<java.util.concurrent.Future<?>> parts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < cores; c++) {
          int first = c;
          parts.add(pool.submit(() -> {
            float[] g = new float[m.dimension()];
            for (int w = first; w < 27; w += cores) {
              m.stochasticGradient(x, batch, it, w, g);
            }
          }));
        }
        for (java.util.concurrent.Future<?> f : parts) {
          f.get();
        }
        times[t - 1] = (System.nanoTime() - t0) / 1e6;
      }
      return Measure.median(times);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("bench interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("bench: a gradient failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static final Map<Phases.Phase, String> PHASE_NOTES = Map.of(
      Phases.Phase.GRADIENT, "workers' gradients / cores",
      Phases.Phase.ENCODE, "momentum + sign packing / cores",
      Phases.Phase.COLLECT, "stage wall - the two above (scheduling, serialisation, imbalance)",
      Phases.Phase.HONEST_MEAN, "treeAggregate of the honest mean",
      Phases.Phase.AGGREGATE, "the server step: message checks, forging, the vote",
      Phases.Phase.BROADCAST, "downlink shipping + releasing",
      Phases.Phase.METRICS, "driver bookkeeping, update of x");

  /**
   * (h) Samples per second against DL4J's own Spark training (parameter averaging every 5 minibatches, its
   * documented default range) and plain fit, same network, batch and cores.
   */
  private void comparison(double ours) {
    int batch = quick ? 8 : 64;
    String net = "mengoli-cnn";
    add("h", "this job, " + net + ", Q=27, batch " + batch + ", " + cores + " cores", ours, "samples/s",
        Double.NaN, "");
    if (!Dl4jComparison.available()) {
      add("h", "DL4J Spark / plain fit: dl4j-spark is not on this classpath (run submit/local.sh bench)",
          Double.NaN, "", Double.NaN, "");
      return;
    }
    Dl4jComparison c = new Dl4jComparison(mnist, batch, quick ? 4 : 20);
    for (boolean gemm : new boolean[] {false, true}) {
      String conv = gemm ? "gemm convolution" : "DL4J's convolution";
      note("DL4J Spark parameter averaging, " + conv);
      double avg = c.sparkAveraging(jsc(), net, gemm, 5);
      // the targets are against what a user would run, DL4J's own layers; with this project's convolution
      // inside DL4J the rows show what is left: the distribution schemes alone
      add("h", "DL4J Spark ParameterAveragingTrainingMaster (averaging every 5), " + conv, avg, "samples/s",
          ours / avg, quick || gemm ? "" : met(ours >= avg, "ours >= it"));
      note("plain DL4J fit, " + conv + ", " + cores + " threads");
      double fit = c.plainFit(net, gemm, cores);
      add("h", "plain DL4J MultiLayerNetwork.fit, one JVM, " + cores + " threads, " + conv, fit, "samples/s",
          ours / fit, quick || gemm ? "" : met(ours >= 0.9 * fit, "ours >= 0.9 x it"));
    }
  }

  /** (e) Bytes up per worker-iteration over 4·d (sign rule, d of mengoli-cnn). */
  private void bytes() {
    int d = 1_199_882;
    long up = org.signsgd.vote.SignVector.HEADER_BYTES + 8 + (d + 7) / 8;
    add("e", "bytes up per worker-iteration, d=" + d + " (vs 4d = " + 4L * d + ")", up, "B", (double) up / (4.0 * d),
        met(up <= 4.0 * d / 31, "<= 4d/31"));
  }

  /** (f) The toy quadratic, Q = 27, d = 1000, at batch 1 and 500, on both engines. */
  private void toy() throws IOException {
    int iterations = quick ? 50 : 500;
    for (String batch : List.of("1", "500")) {
      JobSpec spec = spec(toyJob(27, 1000, batch, iterations, 1));
      note("toy quadratic batch " + batch + " in-process");
      double inprocess = wall(new InProcessEngine(), spec);
      note("toy quadratic batch " + batch + " on Spark");
      double sparkMs = wall(new SparkEngine(jsc()), spec);
      add("f", "toy, 27 workers, " + iterations + " it, batch " + batch + ", in-process", inprocess / 1000, "s",
          Double.NaN, batch.equals("500") && !quick ? met(inprocess <= 5000, "<= 5 s") : "");
      add("f", "toy, same, Spark engine", sparkMs / 1000, "s", Double.NaN, "");
      double overhead = (sparkMs - inprocess) / iterations;
      add("f", "  Spark overhead per iteration (1 worker per partition)", overhead, "ms", Double.NaN,
          batch.equals("500") ? met(overhead <= 30, "<= 30 ms") : "");
      if (batch.equals("1")) {
        // what a run reports: the median iteration_ms of a fresh 100-iteration run, warm-up included
        note("toy quadratic batch 1, a run's median iteration");
        List<IterationRow> out = run(new SparkEngine(jsc()), spec(toyJob(27, 1000, "1", 100, "auto")));
        double median = Measure.median(out.stream().mapToDouble(IterationRow::iterationMs).toArray());
        add("f", "  a run's median iteration_ms (100 it, workers_per_partition and resident_workers auto)", median,
            "ms", Double.NaN, quick ? "" : met(median <= 10, "<= 10 ms"));
        note("toy quadratic batch 1, a run's median iteration with one Spark job per iteration");
        List<IterationRow> perJob = run(new SparkEngine(jsc()), spec(toyJob(27, 1000, "1", 100, "auto")
            + "resident_workers: false\n"));
        double perJobMedian = Measure.median(perJob.stream().mapToDouble(IterationRow::iterationMs).toArray());
        add("f", "  the same with resident_workers: false (one Spark job per iteration)", perJobMedian, "ms",
            perJobMedian / median, "");
      }
      if (batch.equals("500")) {
        JobSpec packed = spec(toyJob(27, 1000, batch, iterations, (27 + cores - 1) / cores));
        double packedMs = wall(new SparkEngine(jsc()), packed);
        double o = (packedMs - inprocess) / iterations;
        add("f", "  Spark overhead per iteration (workers_per_partition=" + (27 + cores - 1) / cores
            + ", resident_workers=auto)", o, "ms",
            Double.NaN, met(o <= 30, "<= 30 ms"));
      }
    }
  }

  /** (g) Spark-engine iteration time against Q and d (toy quadratic, batch 1). */
  private void scaling() throws IOException {
    int iterations = quick ? 10 : 60;
    for (int d : quick ? new int[] {1000} : new int[] {1000, 1_000_000}) {
      for (int q : quick ? new int[] {9, 27} : new int[] {9, 27, 81}) {
        note("scaling Q=" + q + " d=" + d);
        for (Object perPartition : List.of(1, "auto")) {
          JobSpec spec = spec(toyJob(q, d, "1", iterations, perPartition));
          List<IterationRow> out = run(new SparkEngine(jsc()), spec);
          double[] it = out.stream().skip(1).mapToDouble(IterationRow::iterationMs).toArray();
          add("g", "Spark iteration, toy, Q=" + q + ", d=" + d + ", workers_per_partition=" + perPartition
              + (perPartition.equals("auto") ? ", resident_workers=auto" : ""),
              Measure.median(it), "ms", Double.NaN, "");
        }
      }
    }
  }

  /**
   * (j) The server's work at ResNet-50's d on the toy quadratic (a cheap gradient, so the server's part shows), with
   * its gradient noise (σ = 1): noiseless, every worker would send the same vector, which makes every robust rule's
   * selection trivially predictable and the shuffle compress 200-fold, neither of which a real run sees. On
   * the driver against sharded: per iteration, the server step ({@code aggregate_ms}: attack, rule and their sums;
   * sharded, the shuffle of the messages' chunks too), the whole iteration, and the bytes the driver received from
   * tasks (Spark's task result sizes: every message on the driver path, the direction's chunks and the partial sums
   * sharded), and the step split into the server's own work and moving the messages ({@link #serverRun}); where both
   * paths ran, the sharded work, step and work plus moving against the driver path's over the cores (target 1.3).
   * Then the sharded server step against Q at d = 1M.
   */
  private void serverAtScale() throws IOException {
    int d = serverDimension > 0 ? serverDimension : quick ? 70_000 : 25_557_032;
    // the first iteration is not measured; below ResNet-50's d a few more keep one slow iteration (a full GC) out
    // of the median
    int iterations = quick ? 2 : d <= 1 << 22 ? 8 : 4;
    // the smoke run (--quick) keeps one rule of each kind: a sign vote, a dense selection, a stateful sign rule
    List<String> rules = quick ? serverRules.stream().filter(r -> List.of("majority-vote", "krum", "sign-fd")
        .contains(r)).toList() : serverRules;
    for (String rule : rules) {
      java.util.Map<String, double[]> byMode = new java.util.HashMap<>();
      for (String mode : serverModes) {
        note("server " + rule + " " + mode + " Q=27 d=" + d);
        double[] m;
        try {
          m = serverRun(rule, mode, 27, d, iterations);
        } catch (RuntimeException e) {
          // at this d the driver path may not fit at all (e.g. Spark's 1 GB limit on collected results): say so
          String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
          add("j", "server step, " + rule + ", " + mode + ", Q=27, d=" + d + ": failed: "
              + why.substring(0, Math.min(160, why.length())), Double.NaN, "ms", Double.NaN, "");
          continue;
        }
        progress.printf("bench: server %s %s: step %.1f ms, iteration %.1f ms, %.0f bytes to the driver, heap peak "
            + "%.0f MB (after collections %.0f MB)%n", rule, mode, m[0], m[1], m[2], m[3] / 1e6, m[6] / 1e6);
        progress.flush();
        add("j", "server step, " + rule + ", " + mode + ", Q=27, d=" + d, m[0], "ms", Double.NaN, "");
        add("j", "  iteration", m[1], "ms", Double.NaN, "");
        add("j", "  bytes to the driver per iteration", m[2], "B", m[2] / (27.0 * 4 * d), "");
        String jvm = spark.sparkContext().isLocal() ? " (driver and executors)" : " (the driver)";
        add("j", "  heap peak of this JVM" + jvm + ", the pools' peaks", m[3] / 1e6, "MB", m[3] / (4.0 * d), "");
        add("j", "  heap in use after a collection, its most (from iteration 1)" + jvm, m[6] / 1e6, "MB",
            m[6] / (4.0 * d), "");
        add("j", "  the server's work in it (attack, rule, sums; sharded: less moving the chunks and results)",
            m[4], "ms", m[4] / m[0], "");
        add("j", "  moving the messages (the worker stage's collect; sharded: + moving chunks, results back)",
            m[5], "ms", Double.NaN, "");
        if (m[7] > 0) {
          // where a sharded step's time goes outside the work: Spark's job for each round, and in it the tasks
          add("j", "  the shards' Spark jobs per iteration (one per round: the rule's passes)", m[7], "", Double.NaN,
              "");
          add("j", "  a round's Spark job, submission to end (median)", m[8], "ms", m[8] / m[0], "");
          add("j", "  its slowest task's run: reading the chunks, the work, the results (median)", m[9], "ms",
              m[9] / m[0], "");
        }
        byMode.put(mode, m);
      }
      double[] drv = byMode.get("driver");
      double[] sh = byMode.get("sharded");
      if (drv != null && sh != null) {
        // the target: sharded <= 1.3 x (driver / cores), as the server's work, as the server step, and counting the
        // messages' way to where the server works (the driver's collect against the sharded shuffle)
        double work = sh[4] / (drv[4] / cores);
        double step = sh[0] / (drv[0] / cores);
        double whole = (sh[4] + sh[5]) / ((drv[4] + drv[5]) / cores);
        add("j", "  " + rule + ": sharded server's work / (driver's / " + cores + " cores)", work, "x", work,
            quick ? "" : met(work <= 1.3, "<= 1.3"));
        add("j", "  " + rule + ": sharded server step / (driver's / " + cores + " cores)", step, "x", step,
            quick ? "" : met(step <= 1.3, "<= 1.3"));
        add("j", "  " + rule + ": sharded (work + moving) / (driver's / " + cores + " cores)", whole, "x", whole,
            quick ? "" : met(whole <= 1.3, "<= 1.3"));
        if (sh[7] > 0 && sh[10] > 0 && sh[11] > 0) { // no rounds' jobs seen: nothing measured to compare with
          // what the rounds' Spark jobs cost by themselves here, whatever their tasks do: a job of the shards'
          // tasks returning the largest round's results (the direction's), and one returning nothing for each other
          // round (their partial sums are small); the step can be no faster than the work plus those jobs
          int tasks = (int) sh[10];
          long bytes = (long) sh[11];
          double[] floor = jobFloor(tasks, bytes, quick ? 5 : 30);
          add("j", "  a Spark job of " + tasks + " empty tasks on this master (median)", floor[0], "ms",
              floor[0] / (1.3 * drv[0] / cores), "");
          add("j", "  a Spark job of " + tasks + " tasks returning " + bytes + " bytes between them, as the "
              + "direction's round (median)", floor[1], "ms", floor[1] / (1.3 * drv[0] / cores), "");
          double best = (sh[4] + floor[1] + Math.max(0, sh[7] - 1) * floor[0]) / (drv[0] / cores);
          add("j", "  " + rule + ": (sharded work + those jobs per round) / (driver's step / " + cores + " cores): "
              + "the least one job per round allows", best, "x", best, "");
        }
      }
    }
    int small = quick ? 70_000 : 1_000_000;
    for (int q : !serverGrowth ? new int[0] : quick ? new int[] {9, 27} : new int[] {9, 27, 81}) {
      note("server median sharded Q=" + q + " d=" + small);
      double[] m = serverRun("median", "sharded", q, small, quick ? 2 : 8);
      add("j", "server step, median, sharded, Q=" + q + ", d=" + small, m[0], "ms", m[0] / q, "");
    }
  }

  /**
   * {median wall time of a Spark job of {@code tasks} tasks that do nothing, the same with the tasks returning
   * {@code bytes} between them} over {@code trials} jobs each (ms, on the driver's clock, after two of each to warm
   * up): the cost of one job per round before any work, on this master, in a quiet JVM (a lower bound: during a
   * run the heap is fuller and the previous iteration's blocks are being removed).
   */
  private double[] jobFloor(int tasks, long bytes, int trials) {
    JavaSparkContext jsc = jsc();
    org.apache.spark.api.java.JavaRDD<Integer> rdd = jsc.parallelize(
        java.util.stream.IntStream.range(0, tasks).boxed().toList(), tasks);
    int words = (int) Math.min(Integer.MAX_VALUE - 8, (bytes + 8L * tasks - 1) / (8L * tasks));
    // a quiet JVM, as a floor should be: the run's garbage collected and its blocks' removal under way before
    System.gc();
    try {
      Thread.sleep(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    double[] empty = new double[trials];
    double[] returning = new double[trials];
    List<Object> every = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      every.add(i);
    }
    scala.collection.Seq<Object> partitions = scala.collection.JavaConverters.asScalaBuffer(every).toSeq();
    scala.reflect.ClassTag<Object> anyRef = scala.reflect.ClassTag$.MODULE$.AnyRef();
    for (int t = -2; t < trials; t++) {
      List<Object> back = new ArrayList<>();
      long start = System.nanoTime();
      // as a round's job is run: SparkContext.runJob with plain function classes, which Spark's closure cleaner
      // passes over (a lambda through JavaRDD.foreachPartition costs it a read of RDD's bytecode, ~5 ms here)
      jsc.sc().runJob(rdd.rdd(), new TaskReturning(0), partitions, new Received(back), anyRef);
      long mid = System.nanoTime();
      jsc.sc().runJob(rdd.rdd(), new TaskReturning(words), partitions, new Received(back), anyRef);
      long end = System.nanoTime();
      if (back.size() != 2 * tasks) {
        throw new IllegalStateException(back.size() + " results from 2 jobs of " + tasks + " tasks");
      }
      if (t >= 0) {
        empty[t] = (mid - start) / 1e6;
        returning[t] = (end - mid) / 1e6;
      }
    }
    return new double[] {Measure.median(empty), Measure.median(returning)};
  }

  /** A floor job's task: returns {@code words} longs (none: an empty task). */
  private static final class TaskReturning extends scala.runtime.AbstractFunction2<org.apache.spark.TaskContext,
      scala.collection.Iterator<Integer>, Object> implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final int words;

    TaskReturning(int words) {
      this.words = words;
    }

    @Override
    public Object apply(org.apache.spark.TaskContext context, scala.collection.Iterator<Integer> in) {
      return words == 0 ? null : new long[words];
    }
  }

  /** Keeps each floor task's result (on the driver). */
  private static final class Received extends scala.runtime.AbstractFunction2<Object, Object,
      scala.runtime.BoxedUnit> {
    private final List<Object> into;

    Received(List<Object> into) {
      this.into = into;
    }

    @Override
    public scala.runtime.BoxedUnit apply(Object index, Object result) {
      into.add(result);
      return scala.runtime.BoxedUnit.UNIT;
    }
  }

  /** The d of section j (0: ResNet-50's, or the quick size); a cluster tool sets it to fit its machines. */
  private int serverDimension;

  public Bench serverDimension(int d) {
    this.serverDimension = d;
    return this;
  }

  /** The rules section j measures (all five unless a cluster tool asks for fewer). */
  private List<String> serverRules = List.of("majority-vote", "median", "krum", "bulyan", "sign-fd");

  /** Whether section j ends with the sharded median against Q (unless a cluster tool measures one rule). */
  private boolean serverGrowth = true;

  public Bench serverRules(List<String> rules, boolean growth) {
    this.serverRules = List.copyOf(rules);
    this.serverGrowth = growth;
    return this;
  }

  /** Which of driver and sharded section j runs (both unless a cluster tool asks for one). */
  private List<String> serverModes = List.of("driver", "sharded");

  public Bench serverModes(List<String> modes) {
    this.serverModes = List.copyOf(modes);
    return this;
  }

  /**
   * {median server ms, median iteration ms, mean bytes of task results per iteration, this JVM's heap peak (the sum
   * of the heap pools' peaks, an upper bound), median server work ms, median ms of moving the messages, the most
   * heap in use after a collection ({@link HeapAfterCollections}), the shards' jobs per iteration (0 on the driver),
   * the median of their wall time and of their slowest task's run time ({@link ShardRounds}; NaN without them), the
   * shards' tasks in a round and the bytes of the largest round's results (0 without them)} from
   * iteration 1 on ({@link Phases#serverWork}: the server step less the shuffle and the results' way back; the moving:
   * the worker stage's collect plus that shuffle).
   */
  private double[] serverRun(String rule, String mode, int q, int d, int iterations) throws IOException {
    JobSpec spec = spec("""
        name: bench-server
        model: {name: quadratic, dim: %d, noise_std: 1.0}
        workers: %d
        byzantine: 0
        aggregator: {name: %s}
        batch_size: 1
        iterations: %d
        aggregation: %s
        resident_workers: false
        lr: {schedule: constant, initial: 0.001}
        """.formatted(d, q, rule + serverRuleSettings(rule), iterations, mode));
    ResultBytes bytes = new ResultBytes();
    ShardRounds rounds = new ShardRounds();
    System.gc();
    List<java.lang.management.MemoryPoolMXBean> heap = java.lang.management.ManagementFactory.getMemoryPoolMXBeans()
        .stream().filter(p -> p.getType() == java.lang.management.MemoryType.HEAP).toList();
    heap.forEach(java.lang.management.MemoryPoolMXBean::resetPeakUsage);
    spark.sparkContext().addSparkListener(bytes);
    spark.sparkContext().addSparkListener(rounds);
    List<IterationRow> out = new ArrayList<>();
    Phases phases = new Phases(jsc().defaultParallelism());
    HeapAfterCollections afterGc = new HeapAfterCollections();
    // when iteration 0's row came: every round of iteration 0 was submitted before it, every later one after
    java.util.concurrent.atomic.AtomicLong firstRowAt = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
    try (afterGc) {
      ended(RunLifecycle.run(new SparkEngine(jsc()), new Driver(spec).recordPhases(phases), row -> {
        firstRowAt.compareAndSet(Long.MAX_VALUE, System.currentTimeMillis());
        out.add(row);
      }));
    } finally {
      try {
        spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
      } catch (java.util.concurrent.TimeoutException e) {
        // the listener's count may then miss the last tasks; the row says what it counted
      }
      spark.sparkContext().removeSparkListener(bytes);
      spark.sparkContext().removeSparkListener(rounds);
    }
    // the shards' jobs from iteration 1 on
    List<ShardRounds.Round> measured = rounds.rounds().stream().filter(r -> r.submittedAt() >= firstRowAt.get())
        .toList();
    double perIteration = (double) measured.size() / Math.max(1, out.size() - 1);
    double[] jobMs = measured.stream().mapToDouble(ShardRounds.Round::jobMs).toArray();
    double[] taskMs = measured.stream().mapToDouble(ShardRounds.Round::slowestTaskMs).toArray();
    // the shards' tasks per round (the most, as every round of a run has as many) and the largest round's results
    double shards = measured.stream().mapToInt(ShardRounds.Round::tasks).max().orElse(0);
    double largest = measured.stream().mapToLong(ShardRounds.Round::resultBytes).max().orElse(0);
    double server = Measure.median(out.stream().skip(1).mapToDouble(IterationRow::aggregateMs).toArray());
    double iteration = Measure.median(out.stream().skip(1).mapToDouble(IterationRow::iterationMs).toArray());
    double peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    double work = phases.serverWorkMedian(1);
    // the messages' way to where the server works: the worker stage's collect (every message to the driver, or only
    // the small uplinks when sharded) and, sharded, the server step's shuffle and the results' way back
    double[] moving = java.util.stream.IntStream.range(1, phases.iterations())
        .filter(t -> !Double.isNaN(phases.workAt(t))).mapToDouble(t -> phases.at(t)[Phases.Phase.COLLECT.ordinal()]
            + phases.at(t)[Phases.Phase.AGGREGATE.ordinal()] - phases.workAt(t)).toArray();
    return new double[] {server, iteration, (double) bytes.total.get() / iterations, peak, work,
        Measure.median(moving), afterGc.max(firstRowAt.get()), perIteration,
        jobMs.length == 0 ? Double.NaN : Measure.median(jobMs), taskMs.length == 0 ? Double.NaN : Measure.median(taskMs),
        shards, largest};
  }

  /**
   * Section j's settings of a rule: sign-fd and sign-fv end their initial phase after one round ({@code t_in: 1}),
   * so that the rounds measured (all but the first) weigh every coordinate by its own counts, as all rounds after
   * the first hundred of a real run do, rather than by one weight per worker.
   */
  static String serverRuleSettings(String rule) {
    return List.of("sign-fd", "sign-fv").contains(rule) ? ", t_in: 1" : "";
  }

  /**
   * The most heap in use right after a garbage collection while it listens, from a given instant on: the live data,
   * plus the old garbage a young collection does not reclaim. Closer to what a run needs than the pools' peaks, which
   * with a fixed heap mostly show how full the collector let it get before collecting.
   */
  static final class HeapAfterCollections implements javax.management.NotificationListener, AutoCloseable {
    /** Each collection heard of: when it ended (epoch ms) and the heap in use after it (bytes). */
    private final List<long[]> collections = java.util.Collections.synchronizedList(new ArrayList<>());
    private final long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
    private final java.util.Set<String> heapPools = new java.util.HashSet<>();
    private final List<javax.management.NotificationEmitter> emitters = new ArrayList<>();

    HeapAfterCollections() {
      for (java.lang.management.MemoryPoolMXBean p : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() == java.lang.management.MemoryType.HEAP) {
          heapPools.add(p.getName());
        }
      }
      for (java.lang.management.GarbageCollectorMXBean gc
          : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
        if (gc instanceof javax.management.NotificationEmitter e) {
          e.addNotificationListener(this, null, null);
          emitters.add(e);
        }
      }
    }

    @Override
    public void handleNotification(javax.management.Notification n, Object handback) {
      if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
        return;
      }
      var info = com.sun.management.GarbageCollectionNotificationInfo.from(
          (javax.management.openmbean.CompositeData) n.getUserData());
      long used = 0;
      for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
        if (heapPools.contains(e.getKey())) {
          used += e.getValue().getUsed();
        }
      }
      collections.add(new long[] {jvmStart + info.getGcInfo().getEndTime(), used});
    }

    /** Bytes, over the collections that ended at or after {@code fromEpochMs}; NaN when none did. */
    double max(long fromEpochMs) {
      synchronized (collections) {
        java.util.OptionalLong most = collections.stream().filter(c -> c[0] >= fromEpochMs).mapToLong(c -> c[1])
            .max();
        return most.isPresent() ? most.getAsLong() : Double.NaN;
      }
    }

    @Override
    public void close() {
      for (javax.management.NotificationEmitter e : emitters) {
        try {
          e.removeNotificationListener(this);
        } catch (javax.management.ListenerNotFoundException ignored) {
          // not added: nothing to remove
        }
      }
    }
  }

  /** Sums the serialized size of every task result the driver received. */
  private static final class ResultBytes extends org.apache.spark.scheduler.SparkListener {
    final java.util.concurrent.atomic.AtomicLong total = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
      if (end.taskMetrics() != null) {
        total.addAndGet(end.taskMetrics().resultSize());
      }
    }
  }

  private static String toyJob(int q, int d, String batch, int iterations, Object perPartition) {
    return """
        name: bench-toy
        model: {name: quadratic, dim: %d}
        workers: %d
        byzantine: 0
        batch_size: %s
        iterations: %d
        workers_per_partition: %s
        lr: {schedule: inverse-sqrt, initial: 1.0}
        """.formatted(d, q, batch, iterations, perPartition);
  }

  private JavaSparkContext jsc() {
    return JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  private static JobSpec spec(String yaml) throws IOException {
    Path file = Files.createTempFile("bench", ".yaml");
    try {
      Files.writeString(file, yaml);
      return JobFile.load(file, List.of()).get(0);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static List<IterationRow> run(Engine engine, JobSpec spec) {
    List<IterationRow> out = new ArrayList<>();
    ended(RunLifecycle.run(engine, new Driver(spec), out::add));
    return out;
  }

  /** A measured run must run to its end: a failure or an interruption ends the benchmark. */
  private static void ended(RunLifecycle.Ended e) {
    if (e.error() != null) {
      throw e.error();
    }
    if (e.status() != RunStatus.COMPLETED) {
      throw new IllegalStateException("bench: a measured run ended " + e.status().label());
    }
  }

  private static double wall(Engine engine, JobSpec spec) {
    long t0 = System.nanoTime();
    run(engine, spec);
    return (System.nanoTime() - t0) / 1e6;
  }
}
