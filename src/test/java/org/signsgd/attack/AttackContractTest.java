package org.signsgd.attack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.signsgd.aggregate.AggregationContext;
import org.signsgd.aggregate.Rules;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;
import org.signsgd.message.SignMessage;
import org.signsgd.rng.SeedStreams;
import org.signsgd.spec.RuleSpec;
import org.signsgd.vote.SignVector;
import org.signsgd.vote.TieRule;

/** Every registered attack keeps the contract of {@link Attack}, on sign and dense runs. */
class AttackContractTest {

  @Property(tries = 60, seed = "20261123")
  void everyAttackForgesOneWellFormedMessagePerByzantineAndTouchesNothing(
      @ForAll @IntRange(min = 1, max = 7) int honestCount, @ForAll @IntRange(min = 0, max = 6) int byzantine,
      @ForAll @IntRange(min = 1, max = 130) int d, @ForAll @IntRange(min = 0, max = 1000) int seed) {
    for (MessageKind kind : MessageKind.values()) {
      for (String name : Attacks.names()) {
        Attack attack = Attacks.create(RuleSpec.of(name));
        if (!attack.kinds().contains(kind)) {
          continue;
        }
        try {
          attack.checkRequirement(honestCount + byzantine, byzantine);
        } catch (IllegalArgumentException e) {
          continue; // such a job is rejected before it runs
        }
        AttackView view = randomView(kind, attack.threatModel(), honestCount, byzantine, d, seed);
        List<Message> before = deepCopy(view.own());
        List<float[]> vectorsBefore = view.ownVectors().stream().map(float[]::clone).toList();
        List<Message> honestBefore = view.honest() == null ? null : deepCopy(view.honest());
        float[] refBefore = view.reference() == null ? null : view.reference().clone();

        List<Message> forged = attack.forge(view);

        assertThat(forged).as(name).hasSize(byzantine);
        for (int k = 0; k < byzantine; k++) {
          Message m = forged.get(k);
          assertThat(m.worker()).as(name).isEqualTo(view.own().get(k).worker());
          assertThat(m.kind()).as(name).isEqualTo(kind);
          assertThat(m.dimension()).as(name).isEqualTo(d);
          if (m instanceof DenseMessage dense) {
            for (float[] held : view.ownVectors()) {
              assertThat(dense.values()).as(name + " returns an array the view holds").isNotSameAs(held);
            }
          }
        }
        assertSameContent(view.own(), before, name);
        for (int k = 0; k < byzantine; k++) {
          assertThat(view.ownVectors().get(k)).as(name + " modified an own vector").containsExactly(
              vectorsBefore.get(k));
          for (int j = 0; j < k; j++) {
            if (forged.get(k) instanceof DenseMessage a && forged.get(j) instanceof DenseMessage b) {
              assertThat(a.values()).as(name + " forged messages share an array").isNotSameAs(b.values());
            }
          }
        }
        if (honestBefore != null) {
          assertSameContent(view.honest(), honestBefore, name);
        }
        if (refBefore != null) {
          assertThat(view.reference()).as(name).containsExactly(refBefore);
        }
        // compared as text, so that NaN equals NaN (the nan attack)
        assertThat(describe(attack.forge(view))).as(name + " is deterministic").isEqualTo(describe(forged));
      }
    }
  }

  private static List<String> describe(List<Message> messages) {
    return messages.stream().map(m -> m.worker() + ":" + (m instanceof DenseMessage dm
        ? java.util.Arrays.toString(dm.values()) : m.toString())).toList();
  }

  private static AttackView randomView(MessageKind kind, ThreatModel model, int honestCount, int byzantine,
      int d, int seed) {
    RandomGenerator rng = SeedStreams.of(seed, 0, 0, SeedStreams.Purpose.DATA);
    List<Message> honest = new ArrayList<>();
    List<Message> own = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    for (int w = 0; w < honestCount + byzantine; w++) {
      float[] v = new float[d];
      for (int i = 0; i < d; i++) {
        v[i] = rng.nextInt(5) == 0 ? 0f : (float) rng.nextGaussian();
      }
      Message m = kind == MessageKind.SIGN ? new SignMessage(w, SignVector.pack(v, TieRule.ZERO, null))
          : new DenseMessage(w, v.clone());
      if (w < honestCount) {
        honest.add(m);
      } else {
        own.add(m);
        vectors.add(v);
      }
    }
    float[] reference = new float[d];
    for (int i = 0; i < d; i++) {
      reference[i] = (float) rng.nextGaussian();
    }
    boolean omniscient = model == ThreatModel.OMNISCIENT;
    // an optimising attack tries the coordinate-wise median on the honest messages and its candidates
    AttackView.RuleTrial median = forged -> {
      List<Message> all = new ArrayList<>(honest);
      all.addAll(forged);
      return Rules.create(RuleSpec.of("median")).aggregate(all, new AggregationContext(honestCount + byzantine,
          byzantine, 5, SeedStreams.of(seed, 5, SeedStreams.DRIVER, SeedStreams.Purpose.TIE))).toFloats();
    };
    return new AttackView(model, kind, d, honestCount + byzantine, own, vectors, omniscient ? honest : null,
        omniscient ? reference : null, TieRule.ZERO, seed, 5, 0, omniscient && kind == MessageKind.DENSE
        ? median : null);
  }

  private static List<Message> deepCopy(List<Message> messages) {
    List<Message> out = new ArrayList<>();
    for (Message m : messages) {
      out.add(m instanceof DenseMessage d ? new DenseMessage(d.worker(), d.values().clone()) : m);
    }
    return out;
  }

  private static void assertSameContent(List<Message> now, List<Message> before, String attack) {
    for (int i = 0; i < now.size(); i++) {
      if (now.get(i) instanceof DenseMessage d) {
        assertThat(d.values()).as(attack + " modified a message").containsExactly(
            ((DenseMessage) before.get(i)).values());
      } else {
        assertThat(now.get(i)).as(attack).isEqualTo(before.get(i));
      }
    }
  }
}
