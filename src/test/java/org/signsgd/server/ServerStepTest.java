package org.signsgd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.signsgd.aggregate.Direction;
import org.signsgd.aggregate.Rules;
import org.signsgd.attack.Attacks;
import org.signsgd.message.MessageKind;
import org.signsgd.spec.RuleSpec;
import org.signsgd.vote.TieRule;

/** How the server's passes settle which messages were malformed, with two chunks that disagree at first. */
class ServerStepTest {
  private static final ServerPlan PLAN = new ServerPlan(1, 5, 1, new boolean[] {false, false, false, true, false},
      MessageKind.DENSE, 70_000, new RuleSpec("mean", Map.of()), new RuleSpec("nan", Map.of()), TieRule.ZERO, false,
      false);

  /**
   * Byzantine worker 3's own message is non-finite in chunk 1 only. On the first pass chunk 0 does not know it, forges
   * for worker 3 and finds the forgery malformed; that verdict came from the wrong set of Byzantine messages and
   * must not stand: once worker 3's message is dropped everywhere, nothing is forged for it, and one message, not
   * two, was malformed.
   */
  @Test
  void aForgeryJudgedBeforeEveryBadUplinkWasKnownDoesNotCount() {
    List<Round> rounds = new ArrayList<>();
    ServerStep.ChunkRunner runner = round -> {
      rounds.add(round);
      boolean knows = round.badUplinks().contains(3);
      ChunkResult c0 = knows ? done(0, 65_536) : ChunkResult.incomplete(0, Set.of(), Set.of(3));
      ChunkResult c1 = knows ? done(1, 70_000 - 65_536) : ChunkResult.incomplete(1, Set.of(3), Set.of());
      return List.of(c1, c0);
    };
    ServerStep.Served s = ServerStep.serve(PLAN, Rules.create(PLAN.rule()), Attacks.create(PLAN.attack()), 0, false, false, runner, null);
    assertThat(rounds).hasSize(2);
    assertThat(rounds.get(1).badUplinks()).containsExactly(3);
    assertThat(rounds.get(1).badForged()).isEmpty();
    assertThat(s.malformed()).isEqualTo(1);
    assertThat(s.direction().dimension()).isEqualTo(70_000);
    assertThat(s.bytesUp()).isEqualTo(4L * (16 + 4L * 70_000));
  }

  /** A forgery malformed once every bad uplink is known counts, and the next pass drops it everywhere. */
  @Test
  void aMalformedForgeryCountsOnceAcrossChunks() {
    List<Round> rounds = new ArrayList<>();
    ServerStep.ChunkRunner runner = round -> {
      rounds.add(round);
      boolean knows = round.badForged().contains(3);
      return List.of(knows ? done(0, 65_536) : ChunkResult.incomplete(0, Set.of(), Set.of(3)),
          knows ? done(1, 70_000 - 65_536) : ChunkResult.incomplete(1, Set.of(), Set.of(3)));
    };
    ServerStep.Served s = ServerStep.serve(PLAN, Rules.create(PLAN.rule()), Attacks.create(PLAN.attack()), 0, false, false, runner, null);
    assertThat(rounds).hasSize(2);
    assertThat(rounds.get(1).badForged()).containsExactly(3);
    assertThat(s.malformed()).isEqualTo(1);
  }

  /**
   * signguard on a tenth of the coordinates, under bucketing, over two chunks (d = 70,000) through {@link ChunkWork}
   * and the driver's decisions: the driver draws π and then the 7,000 coordinates from the round's stream of chunk 0,
   * as the chain on whole messages does, so the direction is the chain's. Worker w sends ±(w + 1)/4 (the sign a
   * pattern over k and w): sums of squares and sign counts are exact in any order, and which coordinates are drawn
   * changes the sign features.
   */
  @Test
  void signguardOnAFractionDrawsOnTheDriverAsOnWholeMessages() {
    int n = 9;
    int d = 70_000;
    RuleSpec spec = new RuleSpec("bucketing", Map.of("s", 1, "then", Map.of("name", "signguard", "fraction", 0.1)));
    ServerPlan plan = new ServerPlan(6, n, 0, new boolean[n], MessageKind.DENSE, d, spec, new RuleSpec("none",
        Map.of()), TieRule.ZERO, false, false);
    List<org.signsgd.message.Message> messages = drawnMessages(n, d, 0,
        (w, k, r) -> ((k * 7 + w * w * 13) % 5 < 2 ? -1 : 1) * (w + 1) / 4.0);
    float[] first = servedIsWhole(plan, messages, 0);
    float[] second = servedIsWhole(plan, messages, 1);
    assertThat(first).isNotEqualTo(second); // another round's draws: another kept set
  }

  /**
   * min-max's pass of sums comes before the rule's: the driver adds both chunks' sums and searches γ on them, every
   * later round carries that decision, and the first round that forges (the rule's first pass) may still find a
   * malformed forgery and run again knowing it. With 4 honest workers each chunk sends ‖μ − x_i‖² = 1,
   * ⟨μ − x_i, p'⟩ = 0, ‖p'‖² = 1 and pairwise squared distances 4: added, every candidate is 2 + 2γ² from every honest
   * vector, within the bound 8 up to γ* = √3.
   */
  @Test
  void anAttacksPassComesFirstAndItsFirstForgeriesMayBeMalformed() {
    ServerPlan plan = new ServerPlan(1, 5, 1, new boolean[] {false, false, false, true, false}, MessageKind.DENSE,
        70_000, new RuleSpec("mean", Map.of()), new RuleSpec("min-max", Map.of()), TieRule.ZERO, false, false);
    double[] sums = {1, 1, 1, 1, 0, 0, 0, 0, 1, 4, 4, 4, 4, 4, 4};
    List<Round> rounds = new ArrayList<>();
    ServerStep.ChunkRunner runner = round -> {
      rounds.add(round);
      if (round.attackDecided() == null) {
        return List.of(ChunkResult.partial(1, Set.of(), Set.of(), 5, sums), ChunkResult.partial(0, Set.of(),
            Set.of(), 5, sums));
      }
      boolean knows = round.badForged().contains(3);
      return List.of(knows ? done(0, 65_536) : ChunkResult.incomplete(0, Set.of(), Set.of(3)),
          knows ? done(1, 70_000 - 65_536) : ChunkResult.incomplete(1, Set.of(), Set.of()));
    };
    org.signsgd.attack.Attack attack = Attacks.create(plan.attack());
    ServerStep.Served s = ServerStep.serve(plan, Rules.create(plan.rule()), attack, 0, false, false, runner, null);
    assertThat(rounds).extracting(Round::pass).containsExactly(0, 0, 0);
    assertThat(rounds.get(0).attackDecided()).isNull();
    assertThat(rounds.get(1).attackDecided()).isNotNull().isSameAs(rounds.get(2).attackDecided());
    assertThat(rounds.get(2).badForged()).containsExactly(3);
    assertThat(attack.lastSearch().factor()).isBetween(Math.sqrt(3) - 2e-5, Math.sqrt(3));
    assertThat(s.malformed()).isEqualTo(1);
    assertThat(s.direction().dimension()).isEqualTo(70_000);
  }

  /**
   * min-max before Krum's distance pass, over two chunks through {@link ChunkWork} (d = 70,000): the attack's pass,
   * then Krum's, then the finish, give what min-max on whole messages and Krum on the honest and forged whole messages
   * give (the forgeries to the rounding of γ, which the chunks' sums may move in its last bits); Krum picks a forgery
   * there, so the direction is the chunks' forgery. Honest worker i sends a vector drawn from its own seed; Byzantine
   * workers 5 and 6 send anything (the attack replaces it).
   */
  @Test
  void minMaxForgesBeforeKrumsPasses() {
    int n = 7;
    int d = 70_000;
    boolean[] byzantine = {false, false, false, false, false, true, true};
    for (String attackName : List.of("min-max", "min-sum")) {
      ServerPlan plan = new ServerPlan(4, n, 2, byzantine, MessageKind.DENSE, d, new RuleSpec("krum", Map.of()),
          new RuleSpec(attackName, Map.of()), TieRule.ZERO, false, false);
      List<org.signsgd.message.Message> messages = drawnMessages(n, d, 0, (w, k, r) -> r.nextGaussian() + (w % 3));
      org.signsgd.aggregate.Aggregator rule = Rules.create(plan.rule());
      org.signsgd.attack.Attack attack = Attacks.create(plan.attack());
      ServerStep.Served s = ServerStep.serve(plan, rule, attack, 0, false, false, new LocalChunks(rule, attack, plan,
          messages, new float[n][], new float[n][], null, null, null), null);

      org.signsgd.attack.Attack whole = Attacks.create(plan.attack());
      List<org.signsgd.message.Message> honest = messages.subList(0, 5);
      List<org.signsgd.message.Message> forged = whole.forge(new org.signsgd.attack.AttackView(
          org.signsgd.attack.ThreatModel.OMNISCIENT, MessageKind.DENSE, d, n, messages.subList(5, 7),
          java.util.Arrays.asList(null, null), honest, null, TieRule.ZERO, 4, 0));
      assertThat(attack.lastSearch().evaluations()).as(attackName).isEqualTo(whole.lastSearch().evaluations());
      assertThat(attack.lastSearch().factor()).as(attackName).isCloseTo(whole.lastSearch().factor(),
          org.assertj.core.api.Assertions.within(1e-9));
      assertThat(attack.lastSearch().factor()).as(attackName).isGreaterThan(0);
      List<org.signsgd.message.Message> all = new ArrayList<>(honest);
      all.addAll(forged);
      float[] expected = Rules.create(plan.rule()).aggregate(all, new org.signsgd.aggregate.AggregationContext(n, 2, 0,
          org.signsgd.rng.SeedStreams.of(4, 0, org.signsgd.rng.SeedStreams.DRIVER,
              org.signsgd.rng.SeedStreams.Purpose.TIE))).toFloats();
      // Krum picks a forgery, so the direction below is the forgery the chunks sent
      assertThat(expected).as(attackName).containsExactly(((org.signsgd.message.DenseMessage) forged.get(0)).values());
      float[] got = s.direction().toFloats();
      assertThat(got).hasSize(d);
      for (int k = 0; k < d; k += 997) {
        assertThat(got[k]).as("%s, coordinate %d", attackName, k).isCloseTo(expected[k],
            org.assertj.core.api.Assertions.within(1e-4f));
      }
    }
  }

  /**
   * optimal-alie and bulyan-targeted against the mean, tried chunk by chunk over two chunks (d = 70,000): every
   * evaluation one pass over the chunks, each giving Σ (F_k − μ_k)² over its coordinates, the driver adding them and
   * proposing the next τ. The mean's objective, (B/n)²·τ²·‖v‖², rises with τ, so the tries and the factor found are
   * those of the attack on whole vectors, and so is the direction, μ + (B/n)·τ·v, to float rounding (v = σ, or the
   * last coordinate of d, which lies in chunk 1). Under Krum (a distance pass per try) the search tries 16 factors
   * as well, in two rounds each.
   */
  @Test
  void optimalAlieTriesTheRuleChunkByChunk() {
    int n = 7;
    int d = 70_000;
    boolean[] byzantine = {false, false, false, false, false, true, true};
    List<org.signsgd.message.Message> messages = drawnMessages(n, d, 10, (w, k, r) -> r.nextGaussian());
    List<org.signsgd.message.Message> honest = messages.subList(0, 5);
    for (String[] pair : new String[][] {{"mean", "optimal-alie"}, {"mean", "bulyan-targeted"},
        {"krum", "optimal-alie"}}) {
      String ruleName = pair[0];
      ServerPlan plan = new ServerPlan(4, n, 2, byzantine, MessageKind.DENSE, d, new RuleSpec(ruleName, Map.of()),
          new RuleSpec(pair[1], Map.of()), TieRule.ZERO, false, false);
      org.signsgd.aggregate.Aggregator rule = Rules.create(plan.rule());
      org.signsgd.attack.Attack attack = Attacks.create(plan.attack());
      List<Round> rounds = new ArrayList<>();
      LocalChunks local = new LocalChunks(rule, attack, plan, messages, new float[n][], new float[n][], null, null,
          null);
      ServerStep.Served s = ServerStep.serve(plan, rule, attack, 0, false, false, round -> {
        rounds.add(round);
        return local.run(round);
      }, null);
      int passes = ruleName.equals("krum") ? 2 : 1;
      assertThat(rounds).as(ruleName).hasSize(16 * passes + passes);
      assertThat(attack.lastSearch().evaluations()).isEqualTo(16);
      if (ruleName.equals("krum")) {
        continue;
      }
      org.signsgd.attack.Attack whole = Attacks.create(plan.attack());
      List<org.signsgd.message.Message> forged = whole.forge(new org.signsgd.attack.AttackView(
          org.signsgd.attack.ThreatModel.OMNISCIENT, MessageKind.DENSE, d, n, messages.subList(5, 7),
          java.util.Arrays.asList(null, null), honest, null, TieRule.ZERO, 4, 0, 0, forgedTry -> {
            List<org.signsgd.message.Message> all = new ArrayList<>(honest);
            all.addAll(forgedTry);
            return Rules.create(plan.rule()).aggregate(all, new org.signsgd.aggregate.AggregationContext(n, 2, 0,
                null)).toFloats();
          }));
      assertThat(attack.lastSearch()).isEqualTo(whole.lastSearch());
      assertThat(attack.lastSearch().factor()).isGreaterThan(1);
      List<org.signsgd.message.Message> all = new ArrayList<>(honest);
      all.addAll(forged);
      float[] expected = Rules.create(plan.rule()).aggregate(all, new org.signsgd.aggregate.AggregationContext(n, 2,
          0, null)).toFloats();
      float[] got = s.direction().toFloats();
      for (int k = 0; k < d; k += k == d - 1 ? 1 : Math.min(997, d - 1 - k)) {
        assertThat(got[k]).as("%s, coordinate %d", pair[1], k).isCloseTo(expected[k],
            org.assertj.core.api.Assertions.within(1e-5f));
      }
      // bulyan-targeted pushes the last coordinate only (in chunk 1), optimal-alie every one
      float[] mean = Rules.create(plan.rule()).aggregate(honest, new org.signsgd.aggregate.AggregationContext(5, 0, 0,
          null)).toFloats();
      assertThat(Math.abs(got[d - 1] - mean[d - 1])).as(pair[1]).isGreaterThan(0.1f);
      assertThat(Math.abs(got[0] - mean[0]) > 0.1f).as(pair[1]).isEqualTo(pair[1].equals("optimal-alie"));
    }
  }

  /**
   * A candidate that overflows in one chunk only is dropped in every chunk, as on whole vectors (where one non-finite
   * coordinate makes the candidate malformed): the honest coordinates of chunk 0 lie near ±1e38, so μ + τσ overflows
   * a float there from τ ≈ 3 on, while chunk 1's stay finite. The search tries, finds and sends what the attack on
   * whole vectors does, under the mean.
   */
  @Test
  void aCandidateThatOverflowsInOneChunkIsDroppedInAll() {
    int n = 7;
    int d = 70_000;
    boolean[] byzantine = {false, false, false, false, false, true, true};
    List<org.signsgd.message.Message> messages = drawnMessages(n, d, 20,
        (w, k, r) -> k < 65_536 ? (2 * r.nextDouble() - 1) * 1e38 : r.nextGaussian());
    List<org.signsgd.message.Message> honest = messages.subList(0, 5);
    ServerPlan plan = new ServerPlan(4, n, 2, byzantine, MessageKind.DENSE, d, new RuleSpec("mean", Map.of()),
        new RuleSpec("optimal-alie", Map.of()), TieRule.ZERO, false, false);
    org.signsgd.aggregate.Aggregator rule = Rules.create(plan.rule());
    org.signsgd.attack.Attack attack = Attacks.create(plan.attack());
    List<Round> rounds = new ArrayList<>();
    LocalChunks local = new LocalChunks(rule, attack, plan, messages, new float[n][], new float[n][], null, null,
        null);
    ServerStep.serve(plan, rule, attack, 0, false, false, round -> {
      rounds.add(round);
      return local.run(round);
    }, null);
    org.signsgd.attack.Attack whole = Attacks.create(plan.attack());
    whole.forge(new org.signsgd.attack.AttackView(org.signsgd.attack.ThreatModel.OMNISCIENT, MessageKind.DENSE, d, n,
        messages.subList(5, 7), java.util.Arrays.asList(null, null), honest, null, TieRule.ZERO, 4, 0, 0, forgedTry -> {
          List<org.signsgd.message.Message> all = new ArrayList<>(honest);
          int dropped = 0;
          for (org.signsgd.message.Message m : forgedTry) {
            if (((org.signsgd.message.DenseMessage) m).isFinite()) {
              all.add(m);
            } else {
              dropped++;
            }
          }
          return Rules.create(plan.rule()).aggregate(all, new org.signsgd.aggregate.AggregationContext(n, 2 - dropped,
              0, null)).toFloats();
        }));
    assertThat(attack.lastSearch()).isEqualTo(whole.lastSearch());
    // some tries overflowed and ran again without the candidates
    assertThat(rounds.stream().filter(r -> r.attackDecided() instanceof ServerStep.Trial t && t.dropped()).count())
        .isGreaterThan(0);
  }

  /**
   * Bucketing over two chunks (d = 70,000), each chunk and pass through {@link ChunkWork} with a rule made afresh:
   * every one draws the round's one permutation, the one the rule on whole messages draws from the round's stream,
   * so the direction is that rule's, also when Krum's distance pass comes between the draw and the finish, and when
   * one bucketing wraps another (its permutation drawn next from the same stream). Worker i sends i + 1 at every
   * coordinate: with s = 2 a lone bucket weighs more in the mean of the means, and Krum picks one bucket mean, so
   * the direction depends on the permutation, and chunks that drew apart would disagree. The values are multiples
   * of 1/4, so Krum's summed distances are exact in either order and its choice cannot differ by rounding.
   */
  @Test
  void bucketingDrawsOnePermutationForEveryChunkAndPass() {
    int n = 9;
    int d = 70_000;
    for (RuleSpec spec : List.of(new RuleSpec("bucketing", Map.of()), new RuleSpec("bucketing", Map.of("then",
        "krum")), new RuleSpec("bucketing", Map.of("then", Map.of("name", "bucketing", "then", "krum"))))) {
      ServerPlan plan = new ServerPlan(3, n, 0, new boolean[n], MessageKind.DENSE, d, spec,
          new RuleSpec("none", Map.of()), TieRule.ZERO, false, false);
      assertThat(plan.chunks().count()).isEqualTo(2);
      java.util.Set<Float> directions = new java.util.HashSet<>();
      for (long t = 0; t < 6; t++) {
        List<org.signsgd.message.Message> messages = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          float[] v = new float[d];
          java.util.Arrays.fill(v, i + 1);
          messages.add(new org.signsgd.message.DenseMessage(i, v));
        }
        float[] whole = servedIsWhole(plan, messages, t);
        assertThat(whole[0]).as("the same value at every coordinate").isEqualTo(whole[d - 1]);
        directions.add(whole[0]);
      }
      assertThat(directions).as("%s: the permutations change the direction", spec).hasSizeGreaterThan(1);
    }
  }

  /**
   * DnC over two chunks (d = 70,000) through {@link ChunkWork}: each chunk draws the rounds' coordinates of d from the
   * round's stream and sums the centred Gram matrix over those that fall in it, so the good set, and the direction,
   * are those of the rule on whole messages. The messages are noise, so which 2 of the 9 are dropped depends on the
   * 200 drawn coordinates alone (about 13 of them fall in chunk 1): a chunk that summed over other coordinates would
   * change the scores, and in some iteration the dropped pair.
   */
  @Test
  void dncDrawsItsCoordinatesOfDInEveryChunk() {
    int n = 9;
    int d = 70_000;
    ServerPlan plan = new ServerPlan(5, n, 2, new boolean[n], MessageKind.DENSE, d,
        new RuleSpec("dnc", Map.of("sub_dim", 200)), new RuleSpec("none", Map.of()),
        TieRule.ZERO, false, false);
    java.util.Random r = new java.util.Random(17);
    for (long t = 0; t < 8; t++) {
      List<org.signsgd.message.Message> messages = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        float[] v = new float[d];
        for (int k = 0; k < d; k++) {
          v[k] = (float) r.nextGaussian();
        }
        messages.add(new org.signsgd.message.DenseMessage(i, v));
      }
      servedIsWhole(plan, messages, t);
    }
  }

  /**
   * Serves iteration t's messages chunk by chunk on the driver ({@link LocalChunks}, every chunk and pass through
   * {@link ChunkWork}), asserts that the direction is the rule's on whole messages with the round's stream of
   * chunk 0, and returns that direction.
   */
  private static float[] servedIsWhole(ServerPlan plan, List<org.signsgd.message.Message> messages, long t) {
    int n = plan.workers();
    org.signsgd.aggregate.Aggregator rule = Rules.create(plan.rule());
    org.signsgd.attack.Attack attack = org.signsgd.attack.Attacks.create(plan.attack());
    ServerStep.Served s = ServerStep.serve(plan, rule, attack, t, false, false, new LocalChunks(rule, attack, plan,
        messages, new float[n][], new float[n][], null, null, null), null);
    float[] whole = Rules.create(plan.rule()).aggregate(messages, new org.signsgd.aggregate.AggregationContext(n,
        plan.declaredByzantine(), t, org.signsgd.rng.SeedStreams.of(plan.seed(), t, org.signsgd.rng.SeedStreams.DRIVER,
            org.signsgd.rng.SeedStreams.Purpose.TIE))).toFloats();
    assertThat(s.direction().toFloats()).as("%s, iteration %d", plan.rule(), t).containsExactly(whole);
    return whole;
  }

  /** Coordinate k of worker w's message, from the worker's own stream r. */
  private interface Entry {
    double at(int w, int k, java.util.Random r);
  }

  /** n dense messages of d coordinates, worker w's drawn from {@code new Random(seed + w)}. */
  private static List<org.signsgd.message.Message> drawnMessages(int n, int d, long seed, Entry entry) {
    List<org.signsgd.message.Message> messages = new ArrayList<>();
    for (int w = 0; w < n; w++) {
      java.util.Random r = new java.util.Random(seed + w);
      float[] v = new float[d];
      for (int k = 0; k < d; k++) {
        v[k] = (float) entry.at(w, k, r);
      }
      messages.add(new org.signsgd.message.DenseMessage(w, v));
    }
    return messages;
  }

  private static ChunkResult done(int chunk, int len) {
    return new ChunkResult(chunk, true, Set.of(), Set.of(), new Direction.Dense(new float[len]), 4, 0, 4,
        new double[] {1, 1}, null, null, Set.of(), null, null, null);
  }
}
