package org.signsgd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.signsgd.aggregate.AggregationContext;
import org.signsgd.aggregate.Aggregator;
import org.signsgd.aggregate.Direction;
import org.signsgd.aggregate.Rules;
import org.signsgd.attack.Attack;
import org.signsgd.attack.Attacks;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;
import org.signsgd.rng.SeedStreams;
import org.signsgd.spec.RuleSpec;
import org.signsgd.vote.TieRule;

/**
 * An optimising attack tries the run's rule on its candidates through the server (docs/attacks.md): a stateful rule
 * (centered clipping, whose centre carries over) is tried on a copy, so its state after the round is what the rule
 * alone gives on the honest messages and the forgeries finally sent; chunk by chunk, the server tries it from the chunk's
 * state and leaves that state as it was.
 */
class OptimisingAttackServerTest {
  private static final RuleSpec RULE = new RuleSpec("centered-clipping", Map.of("tau", 0.5));

  /** On whole vectors ({@code whole}: the attack tries the rule itself) or chunk by chunk (the server tries it). */
  private static ServerPlan plan(boolean whole) {
    return new ServerPlan(1, 5, 2, new boolean[] {false, false, false, true, true}, MessageKind.DENSE, 2, RULE,
        RuleSpec.of("optimal-alie"), TieRule.ZERO, whole, false);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "whole vectors: {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void theSearchLeavesAStatefulRuleAsTheRoundAloneWould(boolean whole) {
    ServerPlan plan = plan(whole);
    // chunk by chunk the centre lives in the chunk's state (one chunk of d = 2), kept here across rounds
    java.io.Serializable[] states = whole ? null : new java.io.Serializable[1];
    Aggregator rule = Rules.create(RULE);
    Aggregator alone = Rules.create(RULE);
    Attack attack = Attacks.create(plan.attack());
    Aggregator wholeRule = Rules.create(RULE);
    Attack wholeAttack = Attacks.create(plan.attack());
    float[][] rounds = {{1, 0, 2, 2, 3, 1}, {0.5f, 0.5f, 1, 2, 2, 0}};
    for (int t = 0; t < rounds.length; t++) {
      List<Message> messages = new ArrayList<>();
      for (int w = 0; w < 5; w++) {
        int i = w < 3 ? w : 0; // the Byzantine workers' own messages: worker 0's
        messages.add(new DenseMessage(w, new float[] {rounds[t][2 * i], rounds[t][2 * i + 1]}));
      }
      LocalChunks chunks = new LocalChunks(rule, attack, plan, messages, new float[5][], new float[5][], null, null,
          states);
      List<double[]> tries = new ArrayList<>(); // chunk by chunk: each try's factor and objective
      int passes = rule.chunkStateful().passes();
      ServerStep.Served served = ServerStep.serve(plan, rule, attack, t, false, false, round -> {
        List<ChunkResult> results = chunks.run(round);
        if (round.attackDecided() instanceof ServerStep.Trial trial && round.pass() == passes) {
          tries.add(new double[] {trial.factor(), results.get(0).partial()[1]});
        }
        return results;
      }, null);
      if (!whole) {
        // each try's objective is the rule's, tried from the centre of the round before: ‖F(H, b, b) − μ‖²
        assertThat(tries).hasSize(16);
        for (double[] tried : tries) {
          Aggregator fresh = Rules.create(RULE);
          fresh.restoreState(alone.state());
          List<Message> withCandidates = new ArrayList<>(messages.subList(0, 3));
          float[] candidate = forged(rounds[t], tried[0]);
          withCandidates.add(new DenseMessage(3, candidate));
          withCandidates.add(new DenseMessage(4, candidate.clone()));
          float[] f = fresh.aggregate(withCandidates, new AggregationContext(5, 2, t, SeedStreams.of(1, t,
              SeedStreams.DRIVER, SeedStreams.Purpose.TIE, 0))).toFloats();
          double phi = 0;
          for (int k = 0; k < 2; k++) {
            double e = f[k] - ((double) rounds[t][k] + rounds[t][2 + k] + rounds[t][4 + k]) / 3;
            phi += e * e;
          }
          assertThat(tried[1]).as("round %d, factor %s", t, tried[0]).isEqualTo(phi);
        }
        // and the same tries as on whole vectors
        ServerStep.serve(plan(true), wholeRule, wholeAttack, t, false, false, new LocalChunks(wholeRule, wholeAttack,
            plan(true), messages, new float[5][], new float[5][], null, null, null), null);
        assertThat(attack.lastSearch()).as("round %d", t).isEqualTo(wholeAttack.lastSearch());
      }

      // the forgery sent: μ + τσ with the factor the search reports
      assertThat(attack.lastSearch().evaluations()).isEqualTo(16);
      double tau = attack.lastSearch().factor();
      List<Message> all = new ArrayList<>(messages.subList(0, 3));
      float[] b = forged(rounds[t], tau);
      all.add(new DenseMessage(3, b));
      all.add(new DenseMessage(4, b.clone()));
      Direction expected = alone.aggregate(all, new AggregationContext(5, 2, t,
          SeedStreams.of(1, t, SeedStreams.DRIVER, SeedStreams.Purpose.TIE, 0)));
      assertThat(served.direction().toFloats()).as("round %d", t).containsExactly(expected.toFloats());
      assertThat((double[]) (whole ? rule.state() : states[0])).as("round %d", t)
          .containsExactly((double[]) alone.state());
    }
  }

  /** μ + τσ over the three honest vectors (x, y pairs in {@code round}). */
  private static float[] forged(float[] round, double tau) {
    float[] mu = {(round[0] + round[2] + round[4]) / 3, (round[1] + round[3] + round[5]) / 3};
    float[] b = new float[2];
    for (int k = 0; k < 2; k++) {
      double var = 0;
      for (int w = 0; w < 3; w++) {
        double e = round[2 * w + k] - (double) mu[k];
        var += e * e;
      }
      b[k] = (float) (((double) round[k] + round[2 + k] + round[4 + k]) / 3 + tau * Math.sqrt(var / 2));
    }
    return b;
  }
}
