package org.signsgd.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;
import org.signsgd.message.SignMessage;
import org.signsgd.rng.SeedStreams;
import org.signsgd.spec.RuleSpec;
import org.signsgd.vote.SignVector;
import org.signsgd.vote.TieRule;

class RulesTest {
  /** The running example E of docs/aggregators.md: n = 7, d = 2, x_7 Byzantine. */
  static final float[][] E = {{1.0f, 2.1f}, {2.2f, 1.4f}, {0.4f, 0.9f}, {1.6f, 0.1f}, {2.7f, 2.6f}, {1.3f, 0.7f},
      {10.0f, -8.0f}};

  static List<Message> dense(float[][] x) {
    List<Message> out = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      out.add(new DenseMessage(i, x[i].clone()));
    }
    return out;
  }

  static AggregationContext ctx(int n, int f) {
    return new AggregationContext(n, f, 0, SeedStreams.of(1, 0, -1, SeedStreams.Purpose.TIE));
  }

  @Test
  void meanOfExampleE() {
    float[] mean = new Mean().aggregate(dense(E), ctx(7, 1)).toFloats();
    // float inputs: tolerance at float precision
    assertThat(mean[0]).isCloseTo(2.7428571429f, within(1e-6f));
    assertThat(mean[1]).isCloseTo(-0.0285714286f, within(1e-6f));
  }

  @Test
  void registryNamesAndParameters() {
    assertThat(Rules.names()).containsExactly("majority-vote", "mean", "sign-fd", "sign-fv", "krum", "multi-krum",
        "median", "trimmed-mean", "phocas", "meamed", "bulyan", "geometric-median", "centered-clipping", "dnc",
        "signguard", "clustering", "clipped-clustering", "mda",
        "monna", "smea", "caf", "cge", "nnm",
        "bucketing", "clipping", "arc");
    assertThat(((MajorityVote) Rules.create(RuleSpec.of("majority-vote", Map.of("tie", "plus")))).tie())
        .isEqualTo(TieRule.PLUS);
    assertThat(((MajorityVote) Rules.create(RuleSpec.of("majority-vote"))).tie()).isEqualTo(TieRule.ZERO);
  }

  @Test
  void unknownNamesAndParametersAreOneLineErrors() {
    assertThatThrownBy(() -> Rules.create(RuleSpec.of("majority-vot")))
        .hasMessage("unknown aggregator 'majority-vot' (did you mean 'majority-vote'?); allowed: majority-vote, "
            + "mean, sign-fd, sign-fv, krum, multi-krum, median, trimmed-mean, phocas, meamed, bulyan, "
            + "geometric-median, centered-clipping, dnc, signguard, clustering, clipped-clustering, mda, monna, smea, "
            + "caf, cge, nnm, bucketing, clipping, arc");
    assertThatThrownBy(() -> Rules.create(RuleSpec.of("majority-vote", Map.of("tie", "half"))))
        .hasMessage("majority-vote: parameter tie is half; allowed: one of [zero, plus, random]");
    assertThatThrownBy(() -> Rules.create(RuleSpec.of("mean", Map.of("f", 2))))
        .hasMessage("mean: unknown parameter 'f'; allowed: none");
    assertThatThrownBy(() -> Rules.create(RuleSpec.of("sign-fd", Map.of("t_in", 0))))
        .hasMessage("sign-fd: parameter t_in is 0; allowed: an integer in [1, 2147483647]");
  }

  @Test
  void requirementsNameTheRuleAndTheRange() {
    assertThatThrownBy(() -> new MajorityVote(TieRule.ZERO).checkRequirement(-2, 0))
        .hasMessage("majority-vote: n=-2 workers; allowed: n >= 1");
    assertThatThrownBy(() -> new Mean().checkRequirement(27, 27))
        .hasMessage("mean: f=27 declared Byzantine with n=27; allowed: 0 <= f <= 26");
  }

  @Test
  void mismatchedMessagesAreOneLineErrors() {
    List<Message> ms = List.of(new SignMessage(0, SignVector.ofSigns(1, 1)),
        new SignMessage(4, SignVector.ofSigns(1, 1, 1)));
    assertThatThrownBy(() -> new MajorityVote(TieRule.ZERO).aggregate(ms, ctx(2, 0)))
        .hasMessage("majority-vote: worker 4 sent d=3; expected d=2 like worker 0");
    assertThatThrownBy(() -> new Mean().aggregate(ms, ctx(2, 0)))
        .hasMessage("mean: worker 0 sent a sign message; allowed: dense");
    assertThatThrownBy(() -> new Mean().aggregate(List.of(), ctx(2, 0)))
        .hasMessage("mean: no message to aggregate; allowed: at least 1");
  }

  /**
   * The contract's "never modify, keep or return a message's array", checked through what is reachable: a dense
   * direction's own array ({@link Direction.Dense#values()}) and the messages' arrays. Writing into one side after
   * the round must not show on the other.
   */
  @Test
  void everyRuleLeavesItsInputsUntouchedAndSharesNoArrayWithThem() {
    for (String name : Rules.names()) {
      Aggregator rule = Rules.create(RuleSpec.of(name));
      boolean dense = rule.kind() == org.signsgd.message.MessageKind.DENSE;
      List<Message> ms = new ArrayList<>();
      for (int i = 0; i < E.length; i++) {
        ms.add(dense ? new DenseMessage(i, E[i].clone()) : new SignMessage(i, SignVector.pack(E[i], TieRule.ZERO,
            null)));
      }
      Direction dir = rule.aggregate(ms, ctx(7, 1));
      assertThat(dir.dimension()).as(name).isEqualTo(2);
      float[] result = dir.toFloats();
      assertInputsAre(name, ms);
      if (dir instanceof Direction.Dense own) {
        // the direction's array is none of the messages' arrays ...
        for (Message m : ms) {
          assertThat(own.values()).as(name).isNotSameAs(((DenseMessage) m).values());
        }
        // ... and overwriting it leaves every message as it was
        java.util.Arrays.fill(own.values(), Float.NaN);
        assertInputsAre(name, ms);
        System.arraycopy(result, 0, own.values(), 0, result.length);
      }
      // overwriting every message's array after the round leaves the direction as it was (nothing kept)
      for (Message m : ms) {
        if (m instanceof DenseMessage d) {
          java.util.Arrays.fill(d.values(), Float.NaN);
        }
      }
      assertThat(dir.toFloats()).as(name).containsExactly(result);
    }
  }

  /** Message i still holds E[i] (dense), or the signs of E[i] (sign rules). */
  private static void assertInputsAre(String rule, List<Message> ms) {
    for (int i = 0; i < E.length; i++) {
      if (ms.get(i) instanceof DenseMessage d) {
        assertThat(d.values()).as(rule).containsExactly(E[i]);
      } else {
        assertThat(((SignMessage) ms.get(i)).signs().toSigns()).as(rule)
            .containsExactly(SignVector.pack(E[i], TieRule.ZERO, null).toSigns());
      }
    }
  }
}
