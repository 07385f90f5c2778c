package org.signsgd.aggregate;

import java.util.List;
import org.signsgd.spec.Echo;
import org.signsgd.spec.Params;
import org.signsgd.spec.Registry;
import org.signsgd.spec.RuleSpec;
import org.signsgd.vote.TieRule;

/** Every aggregation rule by its kebab-case name, registered here and nowhere else. */
public final class Rules {
  private static final Registry<Aggregator> REGISTRY = new Registry<Aggregator>("aggregator")
      .register(MajorityVote.NAME, p -> new MajorityVote(p.choice("tie", TieRule.ZERO, TieRule::parse,
          TieRule.values())))
      .register(Mean.NAME, p -> new Mean())
      .register(FederatedDefense.NAME, p -> federatedDefense(false, p))
      .register(FederatedDefense.NAME_MV_INIT, p -> federatedDefense(true, p))
      .register(Krum.NAME, p -> krum(false, p))
      .register(Krum.MULTI, p -> krum(true, p))
      .register(Median.NAME, p -> new Median(lower(p)))
      .register(TrimmedMean.NAME, p -> new TrimmedMean(p.intValue("b", -1, 0, Integer.MAX_VALUE)))
      .register(ClosestToCentre.PHOCAS, p -> new ClosestToCentre(true, false))
      .register(ClosestToCentre.MEAMED, p -> new ClosestToCentre(false, lower(p)))
      .register(Bulyan.NAME, p -> new Bulyan(choice(p, "variant", "paper", "lpd")))
      .register(GeometricMedian.NAME, p -> new GeometricMedian(p.doubleValue("nu", 0.1, 1e-12, 1e12),
          p.intValue("iterations", 3, 1, 1_000_000)))
      .register(CenteredClipping.NAME, p -> new CenteredClipping(p.doubleValue("tau", 100, 1e-12, 1e12),
          p.intValue("iterations", 1, 1, 1_000_000)))
      // Blades' rules
      .register(DivideAndConquer.NAME, p -> new DivideAndConquer(p.intValue("iterations", 1, 1, 1_000_000),
          p.intValue("sub_dim", 10_000, 1, Integer.MAX_VALUE), p.doubleValue("c", 1.0, 0, 1e6)))
      .register(SignGuard.NAME, p -> new SignGuard(p.doubleValue("lower", 0.1, 0, 1),
          p.doubleValue("upper", 3.0, 1, 1e12), p.doubleValue("fraction", 1.0, 1e-9, 1)))
      .register(Clustering.NAME, p -> new Clustering(linkage(p, "average", "complete", "single")))
      .register(ClippedClustering.NAME, p -> new ClippedClustering(p.doubleValue("tau", 1e5, 0, 1e300),
          linkage(p, "average", "single", "complete")))
      .register(NearestNeighbourMixing.NAME, p -> new NearestNeighbourMixing(then(p)));

  private Rules() {}

  private static Aggregator federatedDefense(boolean mvInit, Params p) {
    return new FederatedDefense(mvInit, p.intValue("t_in", 100, 1, Integer.MAX_VALUE),
        p.doubleValue("max_llr", 10.0, 1e-9, 1e9), p.doubleValue("gamma", 1.0, 1e-9, 1.0),
        choice(p, "phase1", "counts", "code"), !choice(p, "zeros", "agree", "disagree"));
  }

  private static Aggregator krum(boolean multi, Params p) {
    return new Krum(multi, p.intValue("neighbours", 0, 1, Integer.MAX_VALUE), !choice(p, "squared", "true",
        "false"), multi ? p.intValue("m", 0, 1, Integer.MAX_VALUE) : 0);
  }

  /** An agglomerative linkage by name, the first the default. */
  private static CosineClusters.Linkage linkage(Params p, String... allowed) {
    return CosineClusters.Linkage.parse(p.oneOf("linkage", List.of(allowed)));
  }

  /** median mode: average (default) or lower. */
  private static boolean lower(Params p) {
    return choice(p, "mode", "average", "lower");
  }

  /** A two-way choice: false for {@code first} (the default), true for {@code second}. */
  private static boolean choice(Params p, String key, String first, String second) {
    boolean isSecond = p.oneOf(key, List.of(first, second)).equals(second);
    if (first.equals("true") || first.equals("false")) {
      p.use(key, isSecond == second.equals("true"));
    }
    return isSecond;
  }

  /** NNM's inner rule: a dense rule by name (default mean), with its defaults. */
  private static DenseRule then(Params p) {
    Object raw = p.raw("then");
    String name = raw == null ? Mean.NAME : raw.toString();
    if (name.isBlank()) {
      throw new IllegalArgumentException("nnm: parameter then is empty; allowed: a dense rule other than nnm");
    }
    Aggregator inner = create(new RuleSpec(name, java.util.Map.of()));
    if (!(inner instanceof DenseRule dense) || inner instanceof NearestNeighbourMixing) {
      throw new IllegalArgumentException("nnm: parameter then is " + Echo.of(name) + "; allowed: a dense rule "
          + "other than nnm");
    }
    p.use("then", name);
    return dense;
  }

  /** Builds the rule a spec names, e.g. {@code {name: majority-vote, tie: plus}}. */
  public static Aggregator create(RuleSpec spec) {
    return REGISTRY.create(spec);
  }

  /** The rule a spec names, with every parameter it used (defaults included): {@code {tie: zero}}. */
  public static Registry.Built<Aggregator> build(RuleSpec spec) {
    return REGISTRY.build(spec);
  }

  /** The rules that read sign messages (majority-vote, sign-fd, ...): the ones the vote's bounds speak of. */
  public static List<String> signRuleNames() {
    return names().stream().filter(n -> create(new RuleSpec(n, java.util.Map.of())).kind()
        == org.signsgd.message.MessageKind.SIGN).toList();
  }

  public static List<String> names() {
    return REGISTRY.names();
  }
}
