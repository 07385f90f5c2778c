package org.signsgd.vote;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.random.RandomGenerator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.signsgd.rng.SeedStreams;

/** STYLE §12: the invariants of packing and voting, seeded. */
class VoteProperties {

  /** Q random messages of dimension d; about a quarter of coordinates are 0 when {@code zeros}. */
  static List<SignVector> messages(int q, int d, long seed, boolean zeros) {
    RandomGenerator rng = SeedStreams.of(seed, q, d, SeedStreams.Purpose.DATA);
    List<SignVector> out = new ArrayList<>(q);
    for (int m = 0; m < q; m++) {
      float[] v = new float[d];
      for (int i = 0; i < d; i++) {
        int r = rng.nextInt(zeros ? 4 : 2);
        v[i] = r == 0 ? -1f : r == 1 ? 1f : r == 2 ? (float) rng.nextGaussian() : 0f;
      }
      out.add(SignVector.pack(v, TieRule.ZERO, null));
    }
    return out;
  }

  private static RandomGenerator tieStream(long seed) {
    return SeedStreams.of(seed, 0, SeedStreams.DRIVER, SeedStreams.Purpose.TIE);
  }

  @Provide
  Arbitrary<float[]> vectors() {
    return Arbitraries.floats().between(-3f, 3f).withSpecialValue(0f).withSpecialValue(-0f)
        .withSpecialValue(Float.NaN).withSpecialValue(Float.NEGATIVE_INFINITY).withSpecialValue(Float.MIN_VALUE)
        .withSpecialValue(-Float.MIN_VALUE)
        .array(float[].class).ofMinSize(0).ofMaxSize(300);
  }

  @Property(tries = 200, seed = "1")
  boolean packThenUnpackIsTheIdentityOnSigns(@ForAll("vectors") float[] v) {
    int[] signs = SignVector.pack(v, TieRule.ZERO, null).toSigns();
    for (int i = 0; i < v.length; i++) {
      if (signs[i] != (int) Math.signum(v[i])) {
        return false;
      }
    }
    return SignVector.ofSigns(signs).equals(SignVector.pack(v, TieRule.ZERO, null));
  }

  @Property(tries = 200, seed = "2")
  boolean bitSlicedCountingEqualsTheScalarOracle(@ForAll @IntRange(min = 1, max = 300) int q,
      @ForAll @IntRange(min = 1, max = 10_000) int d, @ForAll boolean zeros, @ForAll long seed) {
    List<SignVector> ms = messages(q, d, seed, zeros);
    VoteTally tally = VoteTally.of(d, ms);
    if (!java.util.Arrays.equals(tally.sums(), ScalarVote.sums(ms, d))) {
      return false;
    }
    for (TieRule tie : TieRule.values()) {
      SignVector fast = tally.result(tie, tieStream(seed));
      SignVector onePass = VoteTally.majority(ms, d, tie, tieStream(seed));
      SignVector oracle = ScalarVote.vote(ms, d, tie, tieStream(seed));
      if (!fast.equals(oracle) || !onePass.equals(oracle)) {
        return false;
      }
    }
    return true;
  }

  /** Several 512-word blocks of the one-pass kernel, with a short last block and a partial last word. */
  @Property(tries = 15, seed = "4")
  boolean onePassAcrossBlocksEqualsTheScalarOracle(@ForAll @IntRange(min = 1, max = 127) int q,
      @ForAll @IntRange(min = 32_700, max = 70_000) int d, @ForAll boolean zeros, @ForAll long seed) {
    List<SignVector> ms = messages(q, d, seed, zeros);
    return VoteTally.majority(ms, d, TieRule.ZERO, null).equals(ScalarVote.vote(ms, d, TieRule.ZERO, null));
  }

  @Property(tries = 100, seed = "3")
  boolean mergingPartialTalliesEqualsCountingAll(@ForAll @IntRange(min = 2, max = 80) int q,
      @ForAll @IntRange(min = 1, max = 700) int d, @ForAll @IntRange(min = 1, max = 79) int split,
      @ForAll long seed) {
    List<SignVector> ms = messages(q, d, seed, true);
    int cut = Math.min(split, q - 1);
    VoteTally merged = VoteTally.of(d, ms.subList(0, cut)).merge(VoteTally.of(d, ms.subList(cut, q)));
    return merged.count() == q && java.util.Arrays.equals(merged.sums(), VoteTally.of(d, ms).sums());
  }

  @Property(tries = 100, seed = "4")
  void theVoteIsInvariantUnderPermutingWorkers(@ForAll @IntRange(min = 1, max = 60) int q,
      @ForAll @IntRange(min = 1, max = 500) int d, @ForAll long seed) {
    List<SignVector> ms = messages(q, d, seed, true);
    List<SignVector> shuffled = new ArrayList<>(ms);
    Collections.shuffle(shuffled, new java.util.Random(seed));
    for (TieRule tie : TieRule.values()) {
      assertThat(VoteTally.of(d, shuffled).result(tie, tieStream(seed)))
          .isEqualTo(VoteTally.of(d, ms).result(tie, tieStream(seed)));
    }
  }

  @Property(tries = 100, seed = "5")
  void qIdenticalMessagesVoteToThatMessage(@ForAll @IntRange(min = 1, max = 100) int q,
      @ForAll @IntRange(min = 1, max = 500) int d, @ForAll long seed) {
    SignVector one = messages(1, d, seed, true).get(0);
    List<SignVector> ms = Collections.nCopies(q, one);
    assertThat(VoteTally.of(d, ms).result(TieRule.ZERO, null)).isEqualTo(one);
  }

  @Property(tries = 100, seed = "6")
  void negatingEveryInputNegatesTheVote(@ForAll @IntRange(min = 1, max = 100) int q,
      @ForAll @IntRange(min = 1, max = 500) int d, @ForAll boolean zeros, @ForAll long seed) {
    List<SignVector> ms = messages(q, d, seed, zeros);
    List<SignVector> negated = ms.stream().map(SignVector::negate).toList();
    assertThat(VoteTally.of(d, negated).result(TieRule.ZERO, null))
        .isEqualTo(VoteTally.of(d, ms).result(TieRule.ZERO, null).negate());
  }
}
