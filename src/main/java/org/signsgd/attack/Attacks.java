package org.signsgd.attack;

import java.util.List;
import org.signsgd.spec.Registry;
import org.signsgd.spec.RuleSpec;

/** Every attack by its kebab-case name, registered here and nowhere else. */
public final class Attacks {
  private static final Registry<Attack> REGISTRY = new Registry<Attack>("attack")
      .register(NoAttack.NAME, p -> new NoAttack())
      .register(BlindFlip.NAME, p -> new BlindFlip())
      .register(Omniscient.NAME, p -> new Omniscient())
      .register(ByzantineVote.NAME, p -> new ByzantineVote(p.choice("source", ByzantineVote.Source.SIGNS,
          ByzantineVote.Source::parse, ByzantineVote.Source.values())))
      .register(Zeroing.NAME, p -> new Zeroing(p.choice("start", Zeroing.Start.MINUS, Zeroing.Start::parse,
          Zeroing.Start.values())))
      .register(RandomSign.NAME, p -> new RandomSign())
      .register(ReversedSum.NAME, p -> new ReversedSum())
      .register(Gaussian.NAME, p -> new Gaussian(p.doubleValue("mean", 0.0, -1e30, 1e30),
          p.doubleValue("std", 1.0, 0.0, 1e30)));

  private Attacks() {}

  /** Builds the attack a spec names, e.g. {@code {name: zeroing, start: plus}}. */
  public static Attack create(RuleSpec spec) {
    return REGISTRY.create(spec);
  }

  public static List<String> names() {
    return REGISTRY.names();
  }
}
