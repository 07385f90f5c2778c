package org.signsgd.vote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.signsgd.rng.SeedStreams;

class VoteTallyTest {
  private static final List<SignVector> FOUR = List.of(
      SignVector.ofSigns(1, 1, -1, 0, -1), SignVector.ofSigns(1, -1, -1, 0, 1),
      SignVector.ofSigns(-1, 1, 1, 0, 0), SignVector.ofSigns(1, -1, -1, 1, 0));

  @Test
  void sumsAndSignsByHand() {
    VoteTally t = VoteTally.of(5, FOUR);
    assertThat(t.count()).isEqualTo(4);
    assertThat(t.sums()).containsExactly(2, 0, -2, 1, 0);
    assertThat(t.result(TieRule.ZERO, null).toSigns()).containsExactly(1, 0, -1, 1, 0);
    assertThat(t.result(TieRule.PLUS, null).toSigns()).containsExactly(1, 1, -1, 1, 1);
  }

  @Test
  void randomTiesAreSeededFairCoinsOnTiedCoordinatesOnly() {
    VoteTally t = VoteTally.of(5, FOUR);
    SignVector a = t.result(TieRule.RANDOM, SeedStreams.of(5, 9, -1, SeedStreams.Purpose.TIE));
    SignVector b = t.result(TieRule.RANDOM, SeedStreams.of(5, 9, -1, SeedStreams.Purpose.TIE));
    assertThat(a).isEqualTo(b);
    assertThat(a.sign(0)).isEqualTo(1);
    assertThat(a.sign(2)).isEqualTo(-1);
    assertThat(a.sign(3)).isEqualTo(1);
    assertThat(a.hasZeros()).isFalse();
  }

  @Test
  void oddCountOfPlusMinusNeverTies() {
    VoteTally t = VoteTally.of(3, List.of(SignVector.ofSigns(1, -1, 1), SignVector.ofSigns(-1, -1, 1),
        SignVector.ofSigns(-1, 1, 1)));
    assertThat(t.result(TieRule.ZERO, null).toSigns()).containsExactly(-1, -1, 1);
  }

  @Test
  void mergeWithEmptyThisOrOtherAndAssociativity() {
    VoteTally all = VoteTally.of(5, FOUR);
    VoteTally empty = new VoteTally(5);
    assertThat(new VoteTally(5).merge(all).sums()).containsExactly(all.sums());
    assertThat(VoteTally.of(5, FOUR).merge(empty).sums()).containsExactly(all.sums());
    VoteTally left = VoteTally.of(5, FOUR.subList(0, 1)).merge(VoteTally.of(5, FOUR.subList(1, 3)))
        .merge(VoteTally.of(5, FOUR.subList(3, 4)));
    VoteTally right = VoteTally.of(5, FOUR.subList(0, 1)).merge(VoteTally.of(5, FOUR.subList(1, 3))
        .merge(VoteTally.of(5, FOUR.subList(3, 4))));
    assertThat(left.sums()).containsExactly(all.sums());
    assertThat(right.sums()).containsExactly(all.sums());
    assertThat(left.count()).isEqualTo(4);
    assertThat(left.result(TieRule.ZERO, null)).isEqualTo(all.result(TieRule.ZERO, null));
  }

  @Test
  void emptyTallyAndMismatchedLengthsAreOneLineErrors() {
    assertThatThrownBy(() -> new VoteTally(5).result(TieRule.ZERO, null))
        .hasMessage("majority-vote: no message was counted; a vote needs at least one");
    assertThatThrownBy(() -> new VoteTally(5).add(SignVector.ofSigns(1, 1)))
        .hasMessage("majority-vote: message has d=2; expected d=5 like the other messages");
    assertThatThrownBy(() -> new VoteTally(5).merge(new VoteTally(4)))
        .hasMessage("majority-vote: cannot merge a tally of d=4 into one of d=5; allowed: equal dimensions");
    assertThatThrownBy(() -> new VoteTally(-1)).hasMessage("vote dimension is -1; allowed: d >= 0");
  }
}
