package org.signsgd.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.signsgd.data.ImageData;
import org.signsgd.data.ImageDataset;
import org.signsgd.data.ImageFolderData;
import org.signsgd.data.ImageFolder;
import org.signsgd.data.LabelledData;
import org.signsgd.data.RegressionData;
import org.signsgd.data.Shards;
import org.signsgd.data.SyntheticRegression;
import org.signsgd.spec.Echo;
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
 *       per-image gemm, the default, or DL4J's built-in im2col path);</li>
 *   <li>{@code resnet18}, {@code resnet50} (torchvision's ResNets as DL4J graphs, {@link ResNets}) on
 *       {@code image-folder} ({@code dir}, required: ROOT/train/&lt;class&gt;/ and ROOT/val/&lt;class&gt;/ as a path or
 *       a Hadoop URI; {@code image_size}, default 224; {@code augment}, default true; {@code split}, {@code alpha});
 *       model parameters {@code num_classes} (the folder's class count), {@code precision}, {@code conv}.</li>
 * </ul>
 * The image directory ({@code dir}: a local path, or any Hadoop URI such as {@code hdfs:///data/mnist}) defaults to
 * {@code $SIGNSGD_DATA/<dataset>} (the launcher sets SIGNSGD_DATA to the
 * repository's {@code data/}), else {@code data/<dataset>} under the working directory.
 */
public final class Models {
  public static final List<String> NAMES;
  public static final List<String> IMAGE_DATA = List.of("mnist", "fashion-mnist");
  /** The data of the ResNets: an ImageNet-layout folder of JPEG and PNG files. */
  public static final String IMAGE_FOLDER = "image-folder";
  /** The default class count of a ResNet whose folder is not at hand (ImageNet's). */
  static final int IMAGENET_CLASSES = 1000;
  /** Image folders listed by this JVM, by root: a grid lists ImageNet's 1.3 million files once, not per run. */
  private static final Map<String, ImageFolder> FOLDERS = new java.util.concurrent.ConcurrentHashMap<>();
  /**
   * d of each network, from its layers: weights and biases (ModelsTest checks each against the built
   * network's {@code numParams()}).
   */
  static final Map<String, Long> NETWORK_SIZES = Map.of(
      "mlp", 784L * 100 + 100 + 100 * 10 + 10,
      "mengoli-cnn", 9L * 32 + 32 + 9 * 32 * 64 + 64 + 9216L * 128 + 128 + 128 * 10 + 10,
      "akoun-mnistnet", 25L * 64 + 64 + 25L * 64 * 64 + 64 + 2 * (9L * 64 * 64 + 64) + 3136L * 128 + 128
          + 128 * 10 + 10,
      "linreg-net", 20L * 40 + 40 + 40 + 1,
      "logreg-net", 20L * 40 + 40 + 40 * 2 + 2);
  private static final int QUADRATIC_DIM = 1000;

  static {
    List<String> all = new ArrayList<>(List.of("quadratic", "linear", "logistic"));
    all.addAll(Networks.NAMES);
    all.addAll(ResNets.NAMES);
    NAMES = List.copyOf(all);
  }

  private Models() {}

  /** Builds the model. */
  public static GradientModel create(RuleSpec model, RuleSpec data, long seed, int workers) {
    Params p = Params.of(model);
    return resolve(model, p, data, Params.of(data), seed, workers, true);
  }

  /**
   * Checks the model and data settings (names, parameters, the dataset's files) without building anything.
   *
   * @return every model and data parameter with the value the run uses, defaults included
   */
  public static Settings check(RuleSpec model, RuleSpec data, long seed, int workers) {
    Params p = Params.of(model);
    Params d = Params.of(data);
    resolve(model, p, data, d, seed, workers, false);
    return new Settings(p.used(), d.used());
  }

  /** The parameters a model and its data use, by key, defaults included (the names are not among them). */
  public record Settings(Map<String, Object> model, Map<String, Object> data) {}

  /**
   * The number of parameters d of a valid model setting, without building the model: {@code dim} for the
   * quadratic, 21 for the regressions, and the networks' fixed sizes ({@link #NETWORK_SIZES}).
   */
  public static long dimension(RuleSpec model) {
    return switch (model.name()) {
      case "quadratic" -> Params.of(model).intValue("dim", QUADRATIC_DIM, 1, 100_000_000);
      case "linear", "logistic" -> SyntheticRegression.FEATURES + 1;
      case "resnet18", "resnet50" -> ResNets.trainableCount(model.name(),
          Params.of(model).intValue("num_classes", IMAGENET_CLASSES, 2, ResNets.MAX_CLASSES));
      default -> {
        Long size = NETWORK_SIZES.get(model.name());
        if (size == null) {
          throw new IllegalArgumentException("unknown model '" + Echo.of(model.name()) + "'; allowed: "
              + String.join(", ", NAMES));
        }
        yield size;
      }
    };
  }

  private static GradientModel resolve(RuleSpec model, Params p, RuleSpec data, Params d, long seed, int workers,
      boolean build) {
    GradientModel made;
    switch (model.name()) {
      case "quadratic" -> made = quadratic(p, seed, build);
      case "linear", "logistic" -> made = regression(model.name(), p, seed, workers, build);
      case "resnet18", "resnet50" -> made = resnet(model.name(), p, data, d, seed, workers, build);
      default -> {
        if (!Networks.known(model.name())) {
          String near = Names.nearest(model.name(), NAMES);
          throw new IllegalArgumentException("unknown model '" + Echo.of(model.name()) + "'"
              + (near == null ? "" : " (did you mean '" + near + "'?)") + "; allowed: " + String.join(", ", NAMES));
        }
        made = network(model.name(), p, data, d, seed, workers, build);
      }
    }
    p.done();
    if (!Networks.known(model.name()) && !ResNets.known(model.name())) {
      requireData(model.name(), data, List.of("synthetic"));
      d.done();
    }
    return made;
  }

  private static void requireData(String model, RuleSpec data, List<String> allowed) {
    if (!allowed.contains(data.name())) {
      String near = Names.nearest(data.name(), allowed);
      throw new IllegalArgumentException("data '" + Echo.of(data.name()) + "' is not available for model " + model
          + (near == null ? "" : " (did you mean '" + near + "'?)") + "; allowed: " + String.join(", ", allowed));
    }
  }

  private static GradientModel quadratic(Params p, long seed, boolean build) {
    int dim = p.intValue("dim", QUADRATIC_DIM, 1, 100_000_000);
    double noise = p.doubleValue("noise_std", 1.0, 0, 1e12);
    Object x0 = p.raw("x0");
    if ("normal".equals(x0)) {
      p.use("x0", "normal");
    } else {
      p.doubleValue("x0", 1.0, -1e30, 1e30);
    }
    if (!build) {
      return null;
    }
    if (x0 == null) {
      return Quadratic.constant(dim, noise, 1f, seed);
    } else if ("normal".equals(x0)) {
      return Quadratic.normal(dim, noise, seed);
    }
    return Quadratic.constant(dim, noise, (float) p.doubleValue("x0", 1.0, -1e30, 1e30), seed);
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

  private static GradientModel network(String name, Params p, RuleSpec dataSpec, Params d, long seed,
      int workers, boolean build) {
    DataType type = p.oneOf("precision", List.of("float", "double")).equals("float") ? DataType.FLOAT
        : DataType.DOUBLE;
    String conv = p.oneOf("conv", List.of("gemm", "dl4j"));
    LabelledData data;
    Shards shards = null;
    boolean augment = false;
    if (Networks.readsImages(name)) {
      requireData(name, dataSpec, IMAGE_DATA);
      String dir = imageDir(dataSpec.name(), d.raw("dir"));
      d.use("dir", dir);
      double alpha = d.doubleValue("alpha", 0.5, 1e-6, 1e6);
      boolean flipOnly = "hflip".equals(String.valueOf(d.raw("augment")));
      augment = flipOnly || flag(dataSpec.name(), "augment", d.raw("augment"));
      d.use("augment", flipOnly ? "hflip" : augment);
      String split = d.oneOf("split", List.of("iid", "dirichlet", "shared"));
      d.done();
      if (!ImageDataset.present(dir)) {
        throw new IllegalArgumentException(dataSpec.name() + ": the idx files are not in " + Echo.of(dir) + "; "
            + (ImageFolder.hasScheme(dir) ? "copy them there (datasets/fetch-" + dataSpec.name() + ".sh fetches "
                + "them; then e.g. hdfs dfs -put), or set data.dir"
                : "run datasets/fetch-" + dataSpec.name() + ".sh " + dir + " (submit/local.sh fetches them for you), "
                    + "or set data.dir"));
      }
      if (split.equals("dirichlet") || build) {
        // read and check the files on the driver (a bad file is a one-line error here, not in a task), and
        // draw the shards, so that a Dirichlet split that leaves a worker empty fails before any run
        ImageDataset.load(dir);
        data = new ImageData(dataSpec.name(), dir, false);
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

  /**
   * A ResNet on an image folder: {@code data: {name: image-folder, dir: ROOT, image_size: 224, augment: true,
   * split: iid|dirichlet|shared, alpha}} and {@code model: {name: resnet18|resnet50, num_classes, precision, conv}}.
   * The folder is listed here, on the driver, before Spark starts (a bad root, an empty train/ or val/ classes
   * that differ from train/'s are one line); num_classes defaults to the folder's class count and must equal it.
   */
  private static GradientModel resnet(String name, Params p, RuleSpec dataSpec, Params d, long seed, int workers,
      boolean build) {
    DataType type = p.oneOf("precision", List.of("float", "double")).equals("float") ? DataType.FLOAT
        : DataType.DOUBLE;
    String conv = p.oneOf("conv", List.of("gemm", "dl4j"));
    requireData(name, dataSpec, List.of(IMAGE_FOLDER));
    Object rawDir = d.raw("dir");
    if (rawDir == null || rawDir.toString().isBlank()) {
      throw new IllegalArgumentException("data.dir is not set: " + IMAGE_FOLDER + " needs the folder that holds "
          + "train/<class>/ and val/<class>/ (a path or a Hadoop URI); add dir to data in the job file, or pass "
          + "--set data.dir=ROOT");
    }
    String dir = imageDir(IMAGE_FOLDER, rawDir);
    d.use("dir", dir);
    int imageSize = d.intValue("image_size", 224, ResNets.MIN_IMAGE_SIZE, ResNets.MAX_IMAGE_SIZE);
    boolean augment = d.raw("augment") == null || flag(IMAGE_FOLDER, "augment", d.raw("augment"));
    d.use("augment", augment);
    double alpha = d.doubleValue("alpha", 0.5, 1e-6, 1e6);
    String split = d.oneOf("split", List.of("iid", "dirichlet", "shared"));
    d.done();
    ImageFolder folder = FOLDERS.computeIfAbsent(dir, ImageFolder::list);
    int classes = p.intValue("num_classes", folder.classes().size(), 2, ResNets.MAX_CLASSES);
    if (classes != folder.classes().size()) {
      throw new IllegalArgumentException(name + ": num_classes is " + classes + " but the image folder "
          + Echo.of(dir) + " has " + folder.classes().size() + " classes; remove num_classes or set it to "
          + folder.classes().size());
    }
    ResNets.check(name, classes, imageSize);
    Shards shards = null;
    if (split.equals("dirichlet") || build) {
      shards = split.equals("iid") ? new Shards(folder.trainSize(), workers, seed)
          : split.equals("shared") ? Shards.shared(folder.trainSize(), workers, seed)
          : Shards.dirichlet(folder.trainLabels(), classes, workers, alpha, seed);
    }
    if (!build) {
      return null;
    }
    return new GraphModel(name, classes, imageSize, type, conv.equals("gemm"),
        new ImageFolderData(folder, imageSize, augment), shards, seed, augment);
  }

  private static boolean flag(String owner, String key, Object raw) {
    if (raw == null || raw instanceof Boolean) {
      return raw != null && (Boolean) raw;
    }
    String s = raw.toString().toLowerCase(Locale.ROOT);
    if (s.equals("true") || s.equals("false")) {
      return s.equals("true");
    }
    throw new IllegalArgumentException(owner + ": parameter " + key + " is " + Echo.of(raw) + "; allowed: true, false"
        + (key.equals("augment") && IMAGE_DATA.contains(owner) ? ", hflip" : ""));
  }

  /**
   * Where the idx files of {@code dataset} are: the job's {@code dir} (a local path, made absolute and
   * normalised, or a Hadoop URI such as {@code hdfs:///data/mnist}, anything with a scheme, kept as it is), else
   * the default.
   */
  static String imageDir(String dataset, Object dir) {
    if (dir != null) {
      String s = dir.toString();
      return ImageFolder.hasScheme(s) ? s : Path.of(s).toAbsolutePath().normalize().toString();
    }
    String root = System.getenv("SIGNSGD_DATA");
    return (root == null || root.isBlank() ? Path.of("data") : Path.of(root)).resolve(dataset).toAbsolutePath()
        .normalize().toString();
  }
}
