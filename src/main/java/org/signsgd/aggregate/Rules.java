package org.signsgd.aggregate;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
      // peers' rules: ByzFL, ByzantineMomentum
      .register(MinimumDiameterAveraging.NAME, p -> new MinimumDiameterAveraging())
      .register(NearestNeighbourAveraging.NAME, p -> new NearestNeighbourAveraging(p.intValue("pivot", 0, 0,
          Integer.MAX_VALUE)))
      .register(SmallestMaxEigenvalueAveraging.NAME, p -> new SmallestMaxEigenvalueAveraging())
      .register(CovarianceBoundAgnosticFilter.NAME, p -> new CovarianceBoundAgnosticFilter())
      .register(ComparativeGradientElimination.NAME, p -> new ComparativeGradientElimination())
      .register(NearestNeighbourMixing.NAME, p -> new NearestNeighbourMixing(then(NearestNeighbourMixing.NAME, p)))
      .register(Bucketing.NAME, p -> new Bucketing(p.intValue("s", 2, 1, Integer.MAX_VALUE), then(Bucketing.NAME, p)))
      .register(StaticClipping.NAME, p -> new StaticClipping(p.doubleValue("c", 2.0, 0, 1e12),
          then(StaticClipping.NAME, p)))
      .register(AdaptiveRobustClipping.NAME, p -> new AdaptiveRobustClipping(then(AdaptiveRobustClipping.NAME, p)));

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

  /**
   * A pre-aggregator's inner rule (docs/pre-aggregators.md): {@code then: median}, or {@code then: {name: krum,
   * neighbours: 3}} whose other keys are the inner rule's parameters, checked by its own entry here (default: mean).
   * It may itself be a pre-aggregator. Recorded with every parameter it used, {@code {name: krum, neighbours: 3,
   * squared: true}}, so that the run's settings show the inner rule's too.
   */
  private static DenseRule then(String owner, Params p) {
    Object raw = p.raw("then");
    String allowed = "; allowed: a dense rule's name, or {name: RULE, ...its parameters}";
    RuleSpec spec;
    if (raw == null) {
      spec = RuleSpec.of(Mean.NAME);
    } else if (raw instanceof String s && !s.isBlank()) {
      spec = RuleSpec.of(s);
    } else if (raw instanceof Map<?, ?> m && m.get("name") instanceof String s && !s.isBlank()) {
      Map<String, Object> params = new TreeMap<>();
      m.forEach((k, v) -> params.put(String.valueOf(k), v));
      params.remove("name");
      spec = RuleSpec.of(s, params);
    } else {
      throw new IllegalArgumentException(owner + ": parameter then is " + Echo.of(raw) + allowed);
    }
    Registry.Built<Aggregator> inner;
    try {
      inner = REGISTRY.build(spec);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(owner + ": then: " + e.getMessage(), e);
    }
    if (!(inner.value() instanceof DenseRule dense)) {
      throw new IllegalArgumentException(owner + ": parameter then is " + Echo.of(spec.name()) + ", a rule of "
          + inner.value().kind().label() + " messages" + allowed);
    }
    Map<String, Object> used = new TreeMap<>(inner.params());
    used.put("name", spec.name());
    p.use("then", used);
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
