package org.signsgd.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;
import org.signsgd.spec.RuleSpec;

/** The dense attacks on six honest vectors H = {x_1..x_6}, n = 7, f = 1, to 1e-9 (docs/attacks.md). */
class DenseAttacksWorkedExampleTest {
  static final double[][] H = {{1.0, 2.1}, {2.2, 1.4}, {0.4, 0.9}, {1.6, 0.1}, {2.7, 2.6}, {1.3, 0.7}};
  private static final double TOL = 1e-9;

  private static Attack attack(String name, Map<String, Object> params) {
    return Attacks.create(new RuleSpec(name, params));
  }

  private static void assertVector(double[] actual, double... expected) {
    for (int k = 0; k < expected.length; k++) {
      assertThat(actual[k]).as("coordinate %d of %s", k, Arrays.toString(actual)).isCloseTo(expected[k],
          within(TOL));
    }
  }

  @Test
  void honestMeanAndUnbiasedStd() {
    double[] mu = HonestStats.mean(H);
    assertVector(mu, 1.5333333333, 1.3);
    assertVector(HonestStats.std(H, mu), 0.8286535263, 0.9273618495);
  }

  /** Both z formulas at five (n, f) pairs (the table of docs/attacks.md). */
  @Test
  void alieZOfThePaperAndOfTheImplementations() {
    Alie paper = (Alie) attack("alie", Map.of());
    Alie impl = (Alie) attack("alie", Map.of("z", "implementations"));
    int[][] nf = {{7, 1}, {51, 24}, {51, 12}, {25, 11}, {25, 5}};
    double[] zPaper = {0.1800123698, 1.759861, 0.599230, 1.405072, 0.467699};
    double[] zImpl = {0, 1.446104, 0.361202, 1.067571, 0.253347};
    for (int i = 0; i < nf.length; i++) {
      double tol = i == 0 ? TOL : 1e-6;
      assertThat(paper.z(nf[i][0], nf[i][1])).as("paper z, n=%d f=%d", nf[i][0], nf[i][1])
          .isCloseTo(zPaper[i], within(tol));
      assertThat(impl.z(nf[i][0], nf[i][1])).as("implementations' z, n=%d f=%d", nf[i][0], nf[i][1])
          .isCloseTo(zImpl[i], within(tol));
    }
  }

  @Test
  void alieFormulaNeedsAProbability() {
    assertThatThrownBy(() -> attack("alie", Map.of()).checkRequirement(7, 5)).hasMessage("alie: the z formula "
        + "gives p=1.1428571428571428 with Q=7, B=5; allowed: 0 < p < 1 (B <= Q/2 for the paper's), or give a "
        + "fixed factor");
    attack("alie", Map.of("factor", 1.5)).checkRequirement(7, 5);
  }

  @Test
  void alieVectors() {
    assertVector(((Alie) attack("alie", Map.of("factor", 1.5))).vector(H, 7, 1), 0.2903530439, -0.0910427743);
    // this one is known to 9 and 8 significant digits: compare to that precision
    double[] paper = ((Alie) attack("alie", Map.of())).vector(H, 7, 1);
    assertThat(paper[0]).isCloseTo(1.38416545, within(5e-9));
    assertThat(paper[1]).isCloseTo(1.1330634, within(5e-8));
  }

  @Test
  void fallOfEmpiresAndSignFlip() {
    assertVector(((ScaledMean) attack("fall-of-empires", Map.of())).vector(H), -0.1533333333, -0.13);
    assertVector(((ScaledMean) attack("sign-flip", Map.of())).vector(H), -1.5333333333, -1.3);
  }

  /** Through forge: every Byzantine worker sends the same vector, under its own id; nan, inf and mimic. */
  @Test
  void forgedMessages() {
    List<Message> honest = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      honest.add(new DenseMessage(i, new float[] {(float) H[i][0], (float) H[i][1]}));
    }
    List<Message> own = List.of(new DenseMessage(6, new float[] {9, 9}));
    AttackView view = new AttackView(ThreatModel.OMNISCIENT, org.signsgd.message.MessageKind.DENSE, 2, 7, own,
        java.util.Collections.singletonList(null), honest, null, org.signsgd.vote.TieRule.ZERO, 1, 0);
    Message foe = attack("fall-of-empires", Map.of()).forge(view).get(0);
    assertThat(foe.worker()).isEqualTo(6);
    assertThat(((DenseMessage) foe).values()).containsExactly((float) -0.15333333333, -0.13f);
    assertThat(((DenseMessage) attack("nan", Map.of()).forge(view).get(0)).values()).containsOnly(Float.NaN);
    assertThat(((DenseMessage) attack("inf", Map.of()).forge(view).get(0)).values())
        .containsOnly(Float.POSITIVE_INFINITY);
    assertThat(((DenseMessage) attack("mimic", Map.of("target", 2)).forge(view).get(0)).values())
        .containsExactly(0.4f, 0.9f);
    assertThatThrownBy(() -> attack("mimic", Map.of("target", 6)).checkRequirement(7, 1))
        .hasMessage("mimic: target=6 with 6 honest workers; allowed: 0 <= target <= 5");
  }
}
