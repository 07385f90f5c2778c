package org.signsgd.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.signsgd.data.ImageData;
import org.signsgd.data.ImageDataset;
import org.signsgd.data.LabelledData;
import org.signsgd.data.RegressionData;
import org.signsgd.data.Shards;
import org.signsgd.data.SyntheticRegression;
import org.signsgd.spec.Names;
import org.signsgd.spec.Params;
import org.signsgd.spec.RuleSpec;

/**
 * Builds the model a job names, with its data; model and data parameters are checked like a rule's.
 * <ul>
 *   <li>analytic: {@code quadratic}, {@code linear}, {@code logistic} on {@code {name: synthetic}};</li>
 *   <li>networks (DL4J): {@code mlp}, {@code mengoli-cnn}, {@code akoun-mnistnet} on {@code mnist} or
 *       {@code fashion-mnist} ({@code dir}, {@code split: iid|dirichlet|shared}, {@code alpha}, {@code augment}), and
 *       {@code linreg-net}, {@code logreg-net} on {@code synthetic}; model parameters
 *       {@code precision: float|double} and {@code conv: gemm|dl4j} (the convolution kernel: this project's
 *       per-image gemm, the default, or DL4J's built-in im2col path).</li>
 * </ul>
 * The image directory defaults to {@code $SIGNSGD_DATA/<dataset>} (the launcher sets SIGNSGD_DATA to the
 * repository's {@code data/}), else {@code data/<dataset>} under the working directory.
 */
public final class Models {
  public static final List<String> NAMES;
  public static final List<String> IMAGE_DATA = List.of("mnist", "fashion-mnist");

  static {
    List<String> all = new ArrayList<>(List.of("quadratic", "linear", "logistic"));
    all.addAll(Networks.NAMES);
    NAMES = List.copyOf(all);
  }

  private Models() {}

  /** Builds the model. */
  public static GradientModel create(RuleSpec model, RuleSpec data, long seed, int workers) {
    return resolve(model, data, seed, workers, true);
  }

  /** Checks the model and data settings (names, parameters, the dataset's files) without building anything. */
  public static void check(RuleSpec model, RuleSpec data, long seed, int workers) {
    resolve(model, data, seed, workers, false);
  }

  private static GradientModel resolve(RuleSpec model, RuleSpec data, long seed, int workers, boolean build) {
    Params p = Params.of(model);
    GradientModel made;
    switch (model.name()) {
      case "quadratic" -> made = quadratic(p, seed, build);
      case "linear", "logistic" -> made = regression(model.name(), p, seed, workers, build);
      default -> {
        if (!Networks.known(model.name())) {
          String near = Names.nearest(model.name(), NAMES);
          throw new IllegalArgumentException("unknown model '" + model.name() + "'"
              + (near == null ? "" : " (did you mean '" + near + "'?)") + "; allowed: " + String.join(", ", NAMES));
        }
        made = network(model.name(), p, data, seed, workers, build);
      }
    }
    p.done();
    if (!Networks.known(model.name())) {
      requireData(model.name(), data, List.of("synthetic"));
      Params.of(data).done();
    }
    return made;
  }

  private static void requireData(String model, RuleSpec data, List<String> allowed) {
    if (!allowed.contains(data.name())) {
      String near = Names.nearest(data.name(), allowed);
      throw new IllegalArgumentException("data '" + data.name() + "' is not available for model " + model
          + (near == null ? "" : " (did you mean '" + near + "'?)") + "; allowed: " + String.join(", ", allowed));
    }
  }

  private static GradientModel quadratic(Params p, long seed, boolean build) {
    int dim = p.intValue("dim", 1000, 1, 100_000_000);
    double noise = p.doubleValue("noise_std", 1.0, 0, 1e12);
    Object x0 = p.raw("x0");
    if (x0 != null && !"normal".equals(x0)) {
      p.doubleValue("x0", 1.0, -1e30, 1e30);
    }
    if (!build) {
      return null;
    }
    float[] start;
    if (x0 == null) {
      start = Quadratic.constantStart(dim, 1f);
    } else if ("normal".equals(x0)) {
      start = Quadratic.normalStart(dim, seed);
    } else {
      start = Quadratic.constantStart(dim, (float) p.doubleValue("x0", 1.0, -1e30, 1e30));
    }
    return new Quadratic(dim, noise, start, seed);
  }

  private static GradientModel regression(String name, Params p, long seed, int workers, boolean build) {
    int samples = p.intValue("samples", SyntheticRegression.SAMPLES, 10, 10_000_000);
    if (!build) {
      return null;
    }
    SyntheticRegression data = SyntheticRegression.generate(kind(name), samples, seed);
    return new Regression(kind(name), data, new Shards(data.trainLabels().length, workers, seed));
  }

  private static SyntheticRegression.Kind kind(String name) {
    return name.startsWith("lin") ? SyntheticRegression.Kind.LINEAR : SyntheticRegression.Kind.LOGISTIC;
  }

  private static GradientModel network(String name, Params p, RuleSpec dataSpec, long seed, int workers,
      boolean build) {
    DataType type = switch (String.valueOf(p.raw("precision") == null ? "float" : p.raw("precision"))
        .toLowerCase(Locale.ROOT)) {
      case "float" -> DataType.FLOAT;
      case "double" -> DataType.DOUBLE;
      default -> throw new IllegalArgumentException(name + ": parameter precision is " + p.raw("precision")
          + "; allowed: float, double");
    };
    String conv = String.valueOf(p.raw("conv") == null ? "gemm" : p.raw("conv")).toLowerCase(Locale.ROOT);
    if (!List.of("gemm", "dl4j").contains(conv)) {
      throw new IllegalArgumentException(name + ": parameter conv is " + p.raw("conv") + "; allowed: gemm, dl4j");
    }
    Params d = Params.of(dataSpec);
    LabelledData data;
    Shards shards = null;
    boolean augment = false;
    if (Networks.readsImages(name)) {
      requireData(name, dataSpec, IMAGE_DATA);
      Path dir = imageDir(dataSpec.name(), d.raw("dir"));
      String split = String.valueOf(d.raw("split") == null ? "iid" : d.raw("split"));
      double alpha = d.doubleValue("alpha", 0.5, 1e-6, 1e6);
      boolean flipOnly = "hflip".equals(String.valueOf(d.raw("augment")));
      augment = flipOnly || flag(dataSpec.name(), "augment", d.raw("augment"));
      if (!List.of("iid", "dirichlet", "shared").contains(split)) {
        throw new IllegalArgumentException(dataSpec.name() + ": parameter split is " + split
            + "; allowed: iid, dirichlet, shared");
      }
      d.done();
      if (!ImageDataset.present(dir)) {
        throw new IllegalArgumentException(dataSpec.name() + ": the idx files are not in " + dir + "; run datasets/fetch-"
            + dataSpec.name() + ".sh " + dir + " (submit/local.sh fetches them for you), or set data.dir");
      }
      if (split.equals("dirichlet") || build) {
        // read and check the files on the driver (a bad file is a one-line error here, not in a task), and
        // draw the shards, so that a Dirichlet split that leaves a worker empty fails before any run
        ImageDataset.load(dir);
        data = new ImageData(dataSpec.name(), dir);
        shards = split.equals("iid") ? new Shards(data.trainSize(), workers, seed)
            : split.equals("shared") ? Shards.shared(data.trainSize(), workers, seed)
            : Shards.dirichlet(data.trainClasses(), data.outputs(), workers, alpha, seed);
      }
      if (!build) {
        return null;
      }
      data = new ImageData(dataSpec.name(), dir, flipOnly);
    } else {
      requireData(name, dataSpec, List.of("synthetic"));
      d.done();
      int samples = p.intValue("samples", SyntheticRegression.SAMPLES, 10, 10_000_000);
      if (!build) {
        return null;
      }
      SyntheticRegression.Kind kind = kind(name);
      data = new RegressionData(kind, SyntheticRegression.generate(kind, samples, seed));
      shards = new Shards(data.trainSize(), workers, seed);
    }
    return new NetworkModel(name, type, conv.equals("gemm"), data, shards, seed, augment);
  }

  private static boolean flag(String owner, String key, Object raw) {
    if (raw == null || raw instanceof Boolean) {
      return raw != null && (Boolean) raw;
    }
    String s = raw.toString().toLowerCase(Locale.ROOT);
    if (s.equals("true") || s.equals("false")) {
      return s.equals("true");
    }
    throw new IllegalArgumentException(owner + ": parameter " + key + " is " + raw + "; allowed: true, false" + (key.equals("augment") ? ", hflip" : ""));
  }

  /** Where the idx files of {@code dataset} are: the job's {@code dir}, else the default. */
  static Path imageDir(String dataset, Object dir) {
    if (dir != null) {
      return Path.of(dir.toString()).toAbsolutePath().normalize();
    }
    String root = System.getenv("SIGNSGD_DATA");
    return (root == null || root.isBlank() ? Path.of("data") : Path.of(root)).resolve(dataset).toAbsolutePath()
        .normalize();
  }
}
