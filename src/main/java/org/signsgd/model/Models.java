package org.signsgd.model;

import java.util.List;
import org.signsgd.data.Shards;
import org.signsgd.data.SyntheticRegression;
import org.signsgd.spec.Names;
import org.signsgd.spec.Params;
import org.signsgd.spec.RuleSpec;

/** Builds the model a job names; its parameters are checked like a rule's. */
public final class Models {
  public static final List<String> NAMES = List.of("quadratic", "linear", "logistic");

  private Models() {}

  public static GradientModel create(RuleSpec model, RuleSpec data, long seed, int workers) {
    Params p = Params.of(model);
    GradientModel made = switch (model.name()) {
      case "quadratic" -> quadratic(p, seed);
      case "linear", "logistic" -> regression(model.name(), p, seed, workers);
      default -> {
        String near = Names.nearest(model.name(), NAMES);
        throw new IllegalArgumentException("unknown model '" + model.name() + "'"
            + (near == null ? "" : " (did you mean '" + near + "'?)") + "; allowed: " + String.join(", ", NAMES));
      }
    };
    p.done();
    requireSyntheticData(data);
    return made;
  }

  private static void requireSyntheticData(RuleSpec data) {
    if (!data.name().equals("synthetic") || !data.params().isEmpty()) {
      throw new IllegalArgumentException("data '" + data.name() + "' with " + data.params()
          + " is not available for the analytic models; allowed: {name: synthetic}");
    }
  }

  private static GradientModel quadratic(Params p, long seed) {
    int dim = p.intValue("dim", 1000, 1, 100_000_000);
    double noise = p.doubleValue("noise_std", 1.0, 0, 1e12);
    Object x0 = p.raw("x0");
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

  private static GradientModel regression(String name, Params p, long seed, int workers) {
    int samples = p.intValue("samples", SyntheticRegression.SAMPLES, 10, 10_000_000);
    SyntheticRegression.Kind kind = name.equals("linear") ? SyntheticRegression.Kind.LINEAR
        : SyntheticRegression.Kind.LOGISTIC;
    SyntheticRegression data = SyntheticRegression.generate(kind, samples, seed);
    return new Regression(kind, data, new Shards(data.trainLabels().length, workers, seed));
  }
}
