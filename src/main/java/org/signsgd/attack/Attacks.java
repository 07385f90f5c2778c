package org.signsgd.attack;

import java.util.List;
import org.signsgd.spec.Registry;
import org.signsgd.spec.RuleSpec;

/** Every attack by its kebab-case name, registered here and nowhere else. */
public final class Attacks {
  private static final Registry<Attack> REGISTRY = new Registry<Attack>("attack")
      .register(NoAttack.NAME, p -> new NoAttack())
      .register(BlindFlip.NAME, p -> new BlindFlip())
      .register(BlindFlip.SIGN_INVERSION, p -> new BlindFlip(BlindFlip.SIGN_INVERSION))
      .register(StochasticSignFlip.NAME, p -> new StochasticSignFlip(p.doubleValue("r", 0.5, 0, 1)))
      .register(Omniscient.NAME, p -> new Omniscient())
      .register(ByzantineVote.NAME, p -> new ByzantineVote(p.choice("source", ByzantineVote.Source.SIGNS,
          ByzantineVote.Source::parse, ByzantineVote.Source.values())))
      .register(Zeroing.NAME, p -> new Zeroing(p.choice("start", Zeroing.Start.MINUS, Zeroing.Start::parse,
          Zeroing.Start.values())))
      .register(RandomSign.NAME, p -> new RandomSign())
      .register(ReversedSum.NAME, p -> new ReversedSum())
      .register(Gaussian.NAME, p -> new Gaussian(p.doubleValue("mean", 0.0, -1e30, 1e30),
          p.doubleValue("std", 1.0, 0.0, 1e30)))
      .register(Alie.NAME, Attacks::alie)
      .register(ScaledMean.FALL_OF_EMPIRES, p -> new ScaledMean(ScaledMean.FALL_OF_EMPIRES,
          p.doubleValue("epsilon", 0.1, 0.0, 1e30), direction(p)))
      .register(ScaledMean.SIGN_FLIP, p -> new ScaledMean(ScaledMean.SIGN_FLIP, 1.0))
      .register(NonFinite.NAN, p -> new NonFinite(NonFinite.NAN))
      .register(NonFinite.INF, p -> new NonFinite(NonFinite.INF))
      .register(Mimic.NAME, p -> new Mimic(p.intValue("target", 0, 0, Integer.MAX_VALUE)))
      .register(LabelFlip.NAME, p -> new LabelFlip())
      .register(OptimalAlie.NAME, p -> new OptimalAlie(evaluations(p), step(p),
          direction(p, AttackDirection.PLUS)))
      .register(OptimalFallOfEmpires.NAME, p -> new OptimalFallOfEmpires(evaluations(p), step(p), direction(p)))
      .register(BulyanTargeted.NAME, Attacks::bulyanTargeted)
      .register(MinMax.NAME, p -> new MinMax(deviation(p, DistanceBoundedAttack.Deviation.STD), gamma(p)))
      .register(MinSum.NAME, p -> new MinSum(deviation(p, DistanceBoundedAttack.Deviation.UNIT_VEC), gamma(p),
          p.choice("bound", MinSum.Bound.WORST, MinSum.Bound::parse, MinSum.Bound.values())));

  /**
   * {@code {name: alie, z: paper | implementations}} or {@code {name: alie, factor: 1.5}}, with
   * {@code direction: minus | plus}.
   */
  private static Attack alie(org.signsgd.spec.Params p) {
    String formula = p.oneOf("z", List.of("paper", "implementations"));
    double factor = p.raw("factor") == null ? Double.NaN : p.doubleValue("factor", 1.5, 0.0, 1e30);
    return new Alie(formula.equals("implementations"), factor, direction(p));
  }

  /** {@code direction: minus | plus}, minus by default (the side of μ the forged vector lies on). */
  private static AttackDirection direction(org.signsgd.spec.Params p) {
    return direction(p, AttackDirection.MINUS);
  }

  private static AttackDirection direction(org.signsgd.spec.Params p, AttackDirection fallback) {
    return p.choice("direction", fallback, AttackDirection::parse, AttackDirection.values());
  }

  /** A line search's budget: 16 evaluations, as ByzantineMomentum's line search. */
  private static int evaluations(org.signsgd.spec.Params p) {
    return p.intValue("evaluations", 16, 1, 10_000);
  }

  /** A line search's first step: 1, as ByzantineMomentum's. */
  private static double step(org.signsgd.spec.Params p) {
    return p.doubleValue("step", 1.0, Double.MIN_VALUE, 1e30);
  }

  /** The first γ of min-max's and min-sum's search: 10, as Shejwalkar and Houmansadr's code. */
  private static double gamma(org.signsgd.spec.Params p) {
    return p.doubleValue("gamma", 10.0, Double.MIN_VALUE, 1e30);
  }

  private static DistanceBoundedAttack.Deviation deviation(org.signsgd.spec.Params p,
      DistanceBoundedAttack.Deviation fallback) {
    return p.choice("deviation", fallback, DistanceBoundedAttack.Deviation::parse,
        DistanceBoundedAttack.Deviation.values());
  }

  /** {@code target: last | all | <coordinate index>}, last by default. */
  private static Attack bulyanTargeted(org.signsgd.spec.Params p) {
    Object raw = p.raw("target");
    int target;
    if (raw == null || raw.toString().equalsIgnoreCase("last")) {
      target = BulyanTargeted.LAST;
      p.use("target", "last");
    } else if (raw.toString().equalsIgnoreCase("all")) {
      target = BulyanTargeted.ALL;
      p.use("target", "all");
    } else {
      try {
        target = p.intValue("target", 0, 0, Integer.MAX_VALUE);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(BulyanTargeted.NAME + ": parameter target is " + raw
            + "; allowed: last, all or a coordinate index >= 0");
      }
    }
    return new BulyanTargeted(target, evaluations(p), step(p), direction(p, AttackDirection.PLUS));
  }

  private Attacks() {}

  /** Builds the attack a spec names, e.g. {@code {name: zeroing, start: plus}}. */
  public static Attack create(RuleSpec spec) {
    return REGISTRY.create(spec);
  }

  /** The attack a spec names, with every parameter it used (defaults included): {@code {r: 0.5}}. */
  public static Registry.Built<Attack> build(RuleSpec spec) {
    return REGISTRY.build(spec);
  }

  public static List<String> names() {
    return REGISTRY.names();
  }
}
