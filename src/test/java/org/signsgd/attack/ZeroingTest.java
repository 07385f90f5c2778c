package org.signsgd.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signsgd.attack.AttackFixtures.signView;
import static org.signsgd.attack.AttackFixtures.signs;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.signsgd.aggregate.AggregationContext;
import org.signsgd.aggregate.Direction;
import org.signsgd.aggregate.MajorityVote;
import org.signsgd.message.Message;
import org.signsgd.rng.SeedStreams;
import org.signsgd.vote.TieRule;

/** Akoun and Meyer's zeroing (arXiv 2202.02085, §4), the example of docs/attacks.md: H = 3, f = 2, tie rule zero. */
class ZeroingTest {
  private static final int[][] HONEST = {{1, 1, 1, -1}, {1, -1, 0, -1}, {1, 1, -1, 0}};

  private static int[] vote(List<Message> messages) {
    Direction dir = new MajorityVote(TieRule.ZERO).aggregate(messages,
        new AggregationContext(messages.size(), 0, 0, SeedStreams.of(1, 0, -1, SeedStreams.Purpose.TIE)));
    return ((Direction.Signs) dir).signs().toSigns();
  }

  @Test
  void exampleC() {
    AttackView view = signView(ThreatModel.OMNISCIENT, HONEST, new int[][] {{1, 1, 1, 1}, {1, 1, 1, 1}}, null);
    List<Message> forged = new Zeroing(Zeroing.Start.MINUS).forge(view);
    assertThat(signs(forged.get(0))).containsExactly(-1, -1, -1, 1);
    assertThat(signs(forged.get(1))).containsExactly(-1, -1, 1, 1);
    assertThat(forged.get(0).worker()).isEqualTo(3);
    assertThat(forged.get(1).worker()).isEqualTo(4);

    List<Message> all = new ArrayList<>(AttackFixtures.signMessages(0, HONEST));
    all.addAll(forged);
    // V = (1, -1, 0, 0): coordinate 2 is flipped, not zeroed, because f - s is odd
    assertThat(vote(all)).containsExactly(1, -1, 0, 0);
    assertThat(vote(AttackFixtures.signMessages(0, HONEST))).containsExactly(1, 1, 0, -1);
  }

  @Test
  void oneByzantineOnAZeroSumFollowsTheStartFlag() {
    int[][] honest = {{1}, {-1}};
    int[][] byz = {{1}};
    List<Message> minus = new Zeroing(Zeroing.Start.MINUS).forge(signView(ThreatModel.OMNISCIENT, honest, byz,
        null));
    List<Message> plus = new Zeroing(Zeroing.Start.PLUS).forge(signView(ThreatModel.OMNISCIENT, honest, byz,
        null));
    assertThat(signs(minus.get(0))).containsExactly(-1); // the paper: V = -1
    assertThat(signs(plus.get(0))).containsExactly(1); // the code: V = +1
  }

  @Test
  void evenGapZeroesTheVoteWhateverTheStart() {
    Zeroing z = new Zeroing(Zeroing.Start.MINUS);
    for (int f = 1; f <= 6; f++) {
      for (int s = -f; s <= f; s++) {
        int sum = s;
        for (int k = 0; k < f; k++) {
          sum += z.signOfByzantine(k, s, f);
        }
        int expected = s >= 0 ? -Math.floorMod(f - s, 2) : Math.floorMod(f + s, 2);
        if (s == 0) {
          expected = -(f % 2);
        }
        assertThat(sum).as("f=%d s=%d", f, s).isEqualTo(expected);
      }
      assertThat(z.signOfByzantine(0, f + 1, f)).isEqualTo(-1);
      assertThat(z.signOfByzantine(f - 1, -f - 1, f)).isEqualTo(1);
    }
  }
}
