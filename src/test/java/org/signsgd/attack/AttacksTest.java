package org.signsgd.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.signsgd.attack.AttackFixtures.denseView;
import static org.signsgd.attack.AttackFixtures.signView;
import static org.signsgd.attack.AttackFixtures.signs;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.signsgd.aggregate.AggregationContext;
import org.signsgd.aggregate.Mean;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;
import org.signsgd.message.SignMessage;
import org.signsgd.rng.SeedStreams;
import org.signsgd.spec.RuleSpec;
import org.signsgd.vote.SignVector;

class AttacksTest {
  private static final int[][] HONEST = {{1, 1, -1, 1}, {1, -1, -1, 1}, {-1, 1, -1, 1}};
  private static final int[][] BYZ = {{1, -1, 1, 0}, {1, -1, -1, 0}, {-1, -1, 1, 1}};

  @Test
  void blindFlipNegatesOwnSigns() {
    List<Message> forged = new BlindFlip().forge(signView(ThreatModel.BLIND, HONEST, BYZ, null));
    assertThat(signs(forged.get(0))).containsExactly(-1, 1, -1, 0);
    assertThat(signs(forged.get(2))).containsExactly(1, 1, -1, -1);
    assertThat(forged).extracting(Message::worker).containsExactly(3, 4, 5);
  }

  @Test
  void blindFlipNegatesOwnDenseVector() {
    float[][] honest = {{1f, 2f}};
    float[][] byz = {{0.5f, -3f}};
    List<Message> forged = new BlindFlip().forge(denseView(ThreatModel.BLIND, honest, byz));
    assertThat(((DenseMessage) forged.get(0)).values()).containsExactly(-0.5f, 3f);
  }

  @Test
  void omniscientSendsMinusSignOfTheTrueGradient() {
    float[] g = {0.3f, -2f, 0f, 1e-6f};
    List<Message> forged = new Omniscient().forge(signView(ThreatModel.OMNISCIENT, HONEST, BYZ, g));
    for (Message m : forged) {
      assertThat(signs(m)).containsExactly(-1, 1, 0, -1);
    }
  }

  @Test
  void byzantineVoteSendsTheOppositeOfTheirOwnVote() {
    // own signs sum to (1, -3, 1, 1) → ô = (1, -1, 1, 1) → all send (-1, 1, -1, -1)
    List<Message> forged = new ByzantineVote(ByzantineVote.Source.SIGNS).forge(
        signView(ThreatModel.BLIND, HONEST, BYZ, null));
    assertThat(forged).hasSize(3);
    for (Message m : forged) {
      assertThat(signs(m)).containsExactly(-1, 1, -1, -1);
    }
  }

  @Test
  void byzantineVoteOnGradientsUsesTheSumOfVectors() {
    int[][] two = {{1, -1}, {-1, 1}};
    AttackView view = signView(ThreatModel.BLIND, new int[][] {{1, 1}}, two, null);
    // the vectors are the signs as floats: sums (0, 0) tie → 0 under the zero encoding
    assertThat(signs(new ByzantineVote(ByzantineVote.Source.GRADIENTS).forge(view).get(0)))
        .containsExactly(0, 0);
    assertThat(signs(new ByzantineVote(ByzantineVote.Source.SIGNS).forge(view).get(1))).containsExactly(0, 0);
  }

  @Test
  void randomSignIsSeededPerWorkerAndIteration() {
    int d = 1000;
    int[][] byz = new int[2][d];
    int[][] honest = new int[1][d];
    AttackView view = signView(ThreatModel.BLIND, honest, byz, null);
    List<Message> a = new RandomSign().forge(view);
    List<Message> b = new RandomSign().forge(view);
    assertThat(a).isEqualTo(b);
    assertThat(((SignMessage) a.get(0)).signs()).isNotEqualTo(((SignMessage) a.get(1)).signs());
    long minus = java.util.Arrays.stream(signs(a.get(0))).filter(s -> s == -1).count();
    assertThat(minus).isBetween(430L, 570L); // Bin(1000, 1/2): mean 500, sd 15.8; ±4.4 sd
    assertThat(((SignMessage) a.get(0)).signs().hasZeros()).isFalse();
  }

  @Test
  void attackStreamsChangeWithTheIterationAndTheTailMaskKeepsTheLastCoordinateRandom() {
    int d = 65;
    int[][] honest = new int[1][d];
    int[][] byz = new int[1][d];
    java.util.Set<Integer> last = new java.util.HashSet<>();
    java.util.Set<SignVector> distinct = new java.util.HashSet<>();
    for (long t = 0; t < 40; t++) {
      AttackView v = signView(ThreatModel.BLIND, honest, byz, null);
      AttackView at = new AttackView(v.model(), v.kind(), d, v.workers(), v.own(), v.ownVectors(), null, null,
          v.encoding(), v.seed(), t);
      SignVector s = ((SignMessage) new RandomSign().forge(at).get(0)).signs();
      last.add(s.sign(d - 1));
      distinct.add(s);
      distinct.add(((SignMessage) new Gaussian(0, 1).forge(at).get(0)).signs());
    }
    assertThat(last).containsExactlyInAnyOrder(-1, 1);
    assertThat(distinct).hasSize(80);
  }

  @Test
  void aViewRejectsMessagesOfTheWrongShape() {
    AttackView ok = signView(ThreatModel.OMNISCIENT, HONEST, BYZ, new float[] {1, 1, 1, 1});
    assertThatThrownBy(() -> new AttackView(ok.model(), ok.kind(), 4, 6, ok.own(), ok.ownVectors(), ok.honest(),
        new float[3], ok.encoding(), 7, 3)).hasMessage("attack view: the reference gradient has d=3; expected d=4");
    assertThatThrownBy(() -> new AttackView(ok.model(), ok.kind(), 4, 6,
        List.of(new DenseMessage(5, new float[4])), List.of(new float[4]), null, null, ok.encoding(), 7, 3))
        .hasMessage("attack view: Byzantine worker 5 sent a dense message of d=4; expected sign of d=4");
  }

  @Test
  void reversedSumSendsMinusTheHonestSum() {
    float[][] honest = {{1f, 2f}, {3f, -1f}};
    float[][] byz = {{9f, 9f}};
    List<Message> forged = new ReversedSum().forge(denseView(ThreatModel.OMNISCIENT, honest, byz));
    // −(honest sum) = −((1, 2) + (3, −1)) = (−4, −1), whatever the Byzantine worker's own vector (9, 9)
    assertThat(((DenseMessage) forged.get(0)).values()).containsExactly(-4f, -1f);
    // the project's mean of the three messages: ((1 + 3 − 4)/3, (2 − 1 − 1)/3) = (0, 0): plain SGD stops
    List<Message> all = List.of(new DenseMessage(0, honest[0].clone()), new DenseMessage(1, honest[1].clone()),
        forged.get(0));
    float[] mean = new Mean().aggregate(all, new AggregationContext(3, 1, 3, SeedStreams.of(7, 3,
        SeedStreams.DRIVER, SeedStreams.Purpose.TIE))).toFloats();
    assertThat(mean).containsExactly(0f, 0f);
  }

  @Test
  void gaussianIsSeededAndHasTheRequestedMoments() {
    int d = 20000;
    float[][] honest = {new float[d]};
    float[][] byz = {new float[d]};
    List<Message> forged = new Gaussian(0.1, 0.1).forge(denseView(ThreatModel.BLIND, honest, byz));
    float[] b = ((DenseMessage) forged.get(0)).values();
    double mean = 0;
    for (float v : b) {
      mean += v;
    }
    mean /= d;
    double var = 0;
    for (float v : b) {
      var += (v - mean) * (v - mean);
    }
    var /= d - 1;
    assertThat(mean).isBetween(0.1 - 4 * 0.1 / Math.sqrt(d), 0.1 + 4 * 0.1 / Math.sqrt(d));
    assertThat(Math.sqrt(var)).isBetween(0.095, 0.105);
    assertThat(((DenseMessage) new Gaussian(0.1, 0.1).forge(denseView(ThreatModel.BLIND, honest, byz)).get(0))
        .values()).containsExactly(b);
  }

  @Test
  void blindViewRefusesHonestData() {
    AttackView blind = signView(ThreatModel.BLIND, HONEST, BYZ, new float[] {1, 1, 1, 1});
    assertThatThrownBy(() -> new Zeroing(Zeroing.Start.MINUS).forge(blind))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("zeroing asked for honest messages");
    assertThatThrownBy(() -> new Omniscient().forge(blind))
        .hasMessageContaining("omniscient asked for the reference gradient");
  }

  @Test
  void wrongKindIsAOneLineError() {
    float[][] honest = {{1f}};
    assertThatThrownBy(() -> new Omniscient().forge(denseView(ThreatModel.OMNISCIENT, honest, honest)))
        .hasMessage("omniscient forges sign messages; this run sends dense messages");
  }

  @Test
  void registryBuildsEveryAttackWithParametersAndRejectsTypos() {
    assertThat(Attacks.names()).containsExactly("none", "blind-flip", "sign-inversion",
        "stochastic-sign-flip", "omniscient", "byzantine-vote", "zeroing",
        "random-sign", "reversed-sum", "gaussian", "alie", "fall-of-empires", "sign-flip", "nan", "inf", "mimic",
        "label-flip", "optimal-alie", "optimal-fall-of-empires", "bulyan-targeted", "min-max", "min-sum");
    assertThat(Attacks.create(RuleSpec.of("zeroing", Map.of("start", "plus")))).isInstanceOf(Zeroing.class);
    assertThatThrownBy(() -> Attacks.create(RuleSpec.of("blind-flp")))
        .hasMessage("unknown attack 'blind-flp' (did you mean 'blind-flip'?); allowed: none, blind-flip, "
            + "sign-inversion, stochastic-sign-flip, omniscient, byzantine-vote, zeroing, random-sign, reversed-sum, gaussian, alie, fall-of-empires, sign-flip, nan, inf, "
        + "mimic, label-flip, optimal-alie, optimal-fall-of-empires, bulyan-targeted, min-max, min-sum");
    assertThatThrownBy(() -> Attacks.create(RuleSpec.of("zeroing", Map.of("start", "middle"))))
        .hasMessage("zeroing: parameter start is middle; allowed: one of [minus, plus]");
    assertThatThrownBy(() -> Attacks.create(RuleSpec.of("gaussian", Map.of("sdt", 2))))
        .hasMessage("gaussian: unknown parameter 'sdt' (did you mean 'std'?); allowed: mean, std");
    assertThatThrownBy(() -> Attacks.create(RuleSpec.of("gaussian", Map.of("std", -1))))
        .hasMessage("gaussian: parameter std is -1; allowed: a number in [0.0, 1.0E30]");
  }

  @Test
  void byzantineCountMustLeaveAnHonestWorker() {
    assertThatThrownBy(() -> new BlindFlip().checkRequirement(27, 27))
        .hasMessage("blind-flip: B=27 Byzantine of Q=27; allowed: 0 <= B <= 26 (at least one honest worker)");
    assertThatThrownBy(() -> new BlindFlip().checkRequirement(-3, 0))
        .hasMessage("blind-flip: Q=-3 workers; allowed: Q >= 1");
  }
}
