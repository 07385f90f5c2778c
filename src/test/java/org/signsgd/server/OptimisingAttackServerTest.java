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
 * alone gives on the honest messages and the forgeries finally sent.
 */
class OptimisingAttackServerTest {
  private static final RuleSpec RULE = new RuleSpec("centered-clipping", Map.of("tau", 0.5));
  private static final ServerPlan PLAN = new ServerPlan(1, 5, 2, new boolean[] {false, false, false, true, true},
      MessageKind.DENSE, 2, RULE, RuleSpec.of("optimal-alie"), TieRule.ZERO, true, false);

  @Test
  void theSearchLeavesAStatefulRuleAsTheRoundAloneWould() {
    Aggregator rule = Rules.create(RULE);
    Aggregator alone = Rules.create(RULE);
    Attack attack = Attacks.create(PLAN.attack());
    float[][] rounds = {{1, 0, 2, 2, 3, 1}, {0.5f, 0.5f, 1, 2, 2, 0}};
    for (int t = 0; t < rounds.length; t++) {
      List<Message> messages = new ArrayList<>();
      for (int w = 0; w < 5; w++) {
        int i = w < 3 ? w : 0; // the Byzantine workers' own messages: worker 0's
        messages.add(new DenseMessage(w, new float[] {rounds[t][2 * i], rounds[t][2 * i + 1]}));
      }
      LocalChunks chunks = new LocalChunks(rule, attack, PLAN, messages, new float[5][], new float[5][], null, null,
          null);
      ServerStep.Served served = ServerStep.serve(PLAN, rule, attack, t, false, false, chunks, null);

      // the forgery sent: μ + τσ with the factor the search reports
      assertThat(attack.lastSearch().evaluations()).isEqualTo(16);
      double tau = attack.lastSearch().factor();
      float[] mu = {(rounds[t][0] + rounds[t][2] + rounds[t][4]) / 3, (rounds[t][1] + rounds[t][3] + rounds[t][5]) / 3};
      List<Message> all = new ArrayList<>(messages.subList(0, 3));
      float[] b = new float[2];
      for (int k = 0; k < 2; k++) {
        double var = 0;
        for (int w = 0; w < 3; w++) {
          double e = rounds[t][2 * w + k] - (double) mu[k];
          var += e * e;
        }
        b[k] = (float) (((double) rounds[t][k] + rounds[t][2 + k] + rounds[t][4 + k]) / 3 + tau * Math.sqrt(var / 2));
      }
      all.add(new DenseMessage(3, b));
      all.add(new DenseMessage(4, b.clone()));
      Direction expected = alone.aggregate(all, new AggregationContext(5, 2, t,
          SeedStreams.of(1, t, SeedStreams.DRIVER, SeedStreams.Purpose.TIE, 0)));
      assertThat(served.direction().toFloats()).as("round %d", t).containsExactly(expected.toFloats());
      assertThat((double[]) rule.state()).as("round %d", t).containsExactly((double[]) alone.state());
    }
  }
}
