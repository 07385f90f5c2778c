package org.signsgd.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.signsgd.message.Message;
import org.signsgd.message.SignMessage;
import org.signsgd.optim.WorkerMomentum;
import org.signsgd.rng.SeedStreams;
import org.signsgd.vote.SignVector;
import org.signsgd.vote.TieRule;

/**
 * Signum with majority vote (Bernstein et al., ICLR 2019, Algorithm 1; Akoun and Meyer, arXiv 2202.02085,
 * Algorithm 1) on a worked example computed by hand: 3 workers, d = 4, η = 0.01, λ = 0.1, β = 0.9
 * (docs/aggregators.md#majority-vote).
 */
class SignumWorkedExampleTest {
  private static final double LR = 0.01;
  private static final double WD = 0.1;
  /** Parameters are float: the update is exact in double and rounded once per coordinate. */
  private static final double FLOAT_TOL = 1e-6;

  private static final float[][] STEP1 = {
      {0.5f, -1f, 0.2f, 0f}, {0.3f, 2f, -0.4f, 0.1f}, {-0.2f, -0.5f, -0.1f, -0.3f}};
  private static final float[][] STEP2 = {
      {-0.3f, 0.4f, 0.1f, 0.2f}, {0.1f, -0.2f, 0.3f, -0.1f}, {0.2f, 0.1f, -0.5f, 0.05f}};

  private final RandomGenerator rng = SeedStreams.of(1, 0, SeedStreams.DRIVER, SeedStreams.Purpose.TIE);

  private static List<Message> encode(float[][] v, TieRule tie) {
    List<Message> out = new ArrayList<>();
    for (int m = 0; m < v.length; m++) {
      out.add(new SignMessage(m, SignVector.pack(v[m], tie, null)));
    }
    return out;
  }

  private static float[][] momentumStep(float[][] v, float[][] g, double beta) {
    for (int m = 0; m < v.length; m++) {
      WorkerMomentum.accumulate(v[m], g[m], beta);
    }
    return v;
  }

  private AggregationContext ctx(long t) {
    return new AggregationContext(3, 0, t, rng);
  }

  @Test
  void stepOneWithTieRuleZero() {
    float[][] v = momentumStep(new float[3][4], STEP1, 0.9);
    assertThat(v[0]).containsExactly(new float[] {0.05f, -0.1f, 0.02f, 0f}, within(1e-8f));
    List<Message> messages = encode(v, TieRule.ZERO);
    assertThat(((SignMessage) messages.get(0)).signs().toSigns()).containsExactly(1, -1, 1, 0);
    assertThat(((SignMessage) messages.get(1)).signs().toSigns()).containsExactly(1, 1, -1, 1);
    assertThat(((SignMessage) messages.get(2)).signs().toSigns()).containsExactly(-1, -1, -1, -1);

    Direction dir = new MajorityVote(TieRule.ZERO).aggregate(messages, ctx(0));
    assertThat(((Direction.Signs) dir).signs().toSigns()).containsExactly(1, -1, -1, 0);

    float[] x = {1f, -2f, 0.5f, 0f};
    dir.applyTo(x, LR, WD);
    assertThat(x[0]).isCloseTo(0.989f, within((float) FLOAT_TOL));
    assertThat(x[1]).isCloseTo(-1.988f, within((float) FLOAT_TOL));
    assertThat(x[2]).isCloseTo(0.5095f, within((float) FLOAT_TOL));
    assertThat(x[3]).isEqualTo(0.0f);
  }

  @Test
  void stepOneWithTieRulePlusSendsTheZeroAsPlusOne() {
    float[][] v = momentumStep(new float[3][4], STEP1, 0.9);
    Direction dir = new MajorityVote(TieRule.PLUS).aggregate(encode(v, TieRule.PLUS), ctx(0));
    assertThat(((Direction.Signs) dir).signs().toSigns()).containsExactly(1, -1, -1, 1);
    float[] x = {1f, -2f, 0.5f, 0f};
    dir.applyTo(x, LR, WD);
    assertThat(x).containsExactly(new float[] {0.989f, -1.988f, 0.5095f, -0.01f}, within((float) FLOAT_TOL));
  }

  @Test
  void stepTwoWithMomentum() {
    MajorityVote vote = new MajorityVote(TieRule.ZERO);
    float[][] v = momentumStep(new float[3][4], STEP1, 0.9);
    float[] x = {1f, -2f, 0.5f, 0f};
    vote.aggregate(encode(v, TieRule.ZERO), ctx(0)).applyTo(x, LR, WD);

    momentumStep(v, STEP2, 0.9);
    assertThat(v[0]).containsExactly(new float[] {0.015f, -0.05f, 0.028f, 0.02f}, within(1e-7f));
    assertThat(v[1]).containsExactly(new float[] {0.037f, 0.16f, -0.006f, -0.001f}, within(1e-7f));
    assertThat(v[2]).containsExactly(new float[] {0.002f, -0.035f, -0.059f, -0.022f}, within(1e-7f));
    List<Message> messages = encode(v, TieRule.ZERO);
    assertThat(((SignMessage) messages.get(0)).signs().toSigns()).containsExactly(1, -1, 1, 1);
    assertThat(((SignMessage) messages.get(1)).signs().toSigns()).containsExactly(1, 1, -1, -1);
    assertThat(((SignMessage) messages.get(2)).signs().toSigns()).containsExactly(1, -1, -1, -1);

    Direction dir = vote.aggregate(messages, ctx(1));
    assertThat(((Direction.Signs) dir).signs().toSigns()).containsExactly(1, -1, -1, -1);
    dir.applyTo(x, LR, WD);
    assertThat(x).containsExactly(new float[] {0.978011f, -1.976012f, 0.5189905f, 0.01f},
        within((float) FLOAT_TOL));
  }

  @Test
  void withoutMomentumStepTwoVotesAllPlus() {
    float[][] v = momentumStep(new float[3][4], STEP2, 0.0);
    Direction dir = new MajorityVote(TieRule.ZERO).aggregate(encode(v, TieRule.ZERO), ctx(1));
    assertThat(((Direction.Signs) dir).signs().toSigns()).containsExactly(1, 1, 1, 1);
  }
}
