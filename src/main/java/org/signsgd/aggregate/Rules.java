package org.signsgd.aggregate;

import java.util.List;
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
      .register(FederatedDefense.NAME_MV_INIT, p -> federatedDefense(true, p));

  private Rules() {}

  private static Aggregator federatedDefense(boolean mvInit, Params p) {
    return new FederatedDefense(mvInit, p.intValue("t_in", 100, 1, Integer.MAX_VALUE),
        p.doubleValue("max_llr", 10.0, 1e-9, 1e9), p.doubleValue("gamma", 1.0, 1e-9, 1.0));
  }

  /** Builds the rule a spec names, e.g. {@code {name: majority-vote, tie: plus}}. */
  public static Aggregator create(RuleSpec spec) {
    return REGISTRY.create(spec);
  }

  public static List<String> names() {
    return REGISTRY.names();
  }
}
