package org.signsgd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.signsgd.aggregate.Direction;
import org.signsgd.aggregate.Rules;
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
    ServerStep.Served s = ServerStep.serve(PLAN, Rules.create(PLAN.rule()), 0, false, false, runner, null);
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
    ServerStep.Served s = ServerStep.serve(PLAN, Rules.create(PLAN.rule()), 0, false, false, runner, null);
    assertThat(rounds).hasSize(2);
    assertThat(rounds.get(1).badForged()).containsExactly(3);
    assertThat(s.malformed()).isEqualTo(1);
  }

  private static ChunkResult done(int chunk, int len) {
    return new ChunkResult(chunk, true, Set.of(), Set.of(), new Direction.Dense(new float[len]), 4, 0, 4,
        new double[] {1, 1}, null, null, Set.of(), null, null, null);
  }
}
