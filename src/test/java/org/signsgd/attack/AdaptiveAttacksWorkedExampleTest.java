package org.signsgd.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.signsgd.aggregate.AggregationContext;
import org.signsgd.aggregate.Rules;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;
import org.signsgd.message.MessageKind;
import org.signsgd.rng.SeedStreams;
import org.signsgd.spec.RuleSpec;
import org.signsgd.vote.TieRule;

/**
 * The optimising and distance-bounded attacks (docs/attacks.md) on three honest vectors x1 = (1, 0), x2 = (2, 2),
 * x3 = (3, 1) and B = 2 Byzantine workers (n = 5, d = 2): μ = (2, 1), unbiased σ = (1, 1) (deviations −1, 0, 1 and
 * −1, 1, 0, each squared sum 2 over n − 1 = 2). Honest squared distances: ‖x1 − x2‖² = 1 + 4 = 5, ‖x1 − x3‖² =
 * 4 + 1 = 5, ‖x2 − x3‖² = 1 + 1 = 2; their largest is 5, and the rows sum to S = (10, 7, 7).
 */
class AdaptiveAttacksWorkedExampleTest {
  private static final float[][] HONEST = {{1, 0}, {2, 2}, {3, 1}};
  private static final float[][] OWN = {{9, 9}, {-9, 9}};

  private static Attack attack(String name, Map<String, Object> params) {
    return Attacks.create(new RuleSpec(name, params));
  }

  /** The view of the example, with {@code rule} tried on the honest messages and the candidates (null: none). */
  private static AttackView view(String rule) {
    List<Message> honest = AttackFixtures.denseMessages(0, HONEST);
    List<Message> own = AttackFixtures.denseMessages(HONEST.length, OWN);
    AttackView.RuleTrial trial = rule == null ? null : forged -> {
      List<Message> all = new ArrayList<>(honest);
      all.addAll(forged);
      return Rules.create(RuleSpec.of(rule)).aggregate(all, new AggregationContext(5, 2, 3,
          SeedStreams.of(7, 3, SeedStreams.DRIVER, SeedStreams.Purpose.TIE))).toFloats();
    };
    return new AttackView(ThreatModel.OMNISCIENT, MessageKind.DENSE, 2, 5, own, List.of(OWN[0], OWN[1]), honest,
        null, TieRule.ZERO, 7, 3, 0, trial);
  }

  /** Every Byzantine worker sends (x, y), under its own id. */
  private static void assertSent(List<Message> forged, double x, double y, double tol) {
    assertThat(forged).hasSize(2);
    for (int k = 0; k < 2; k++) {
      assertThat(forged.get(k).worker()).isEqualTo(3 + k);
      float[] b = ((DenseMessage) forged.get(k)).values();
      assertThat((double) b[0]).as("b[0]").isCloseTo(x, within(tol));
      assertThat((double) b[1]).as("b[1]").isCloseTo(y, within(tol));
    }
  }

  /**
   * optimal-alie (plus), median: b = μ + τσ = (2 + τ, 1 + τ). Coordinate 0 of the five values {1, 2, 3, 2 + τ, 2 + τ}
   * has median 2 + min(τ, 1), coordinate 1 of {0, 2, 1, 1 + τ, 1 + τ} has 1 + min(τ, 1): the objective is
   * ‖median − μ‖² = 2·min(τ, 1)². Line search: τ = 0 gives 0; τ = 0 + 1 gives 2 (kept, step 2); τ = 1 + 2 = 3 gives
   * 2, not better (step 1.6); the contraction tries 3 − 1.6 = 1.4, 1.4 − 1.28 = 0.12, 0.12 + 1.024 = 1.144, …, none
   * above 2. τ = 1: b = (3, 2), after all 16 evaluations.
   */
  @Test
  void optimalAlieAgainstTheMedian() {
    Attack a = attack("optimal-alie", Map.of());
    assertSent(a.forge(view("median")), 3, 2, 0);
    assertThat(a.lastSearch()).isEqualTo(new AttackSearch(1.0, 16));
    // one evaluation is τ = 0 alone: b = μ
    Attack once = attack("optimal-alie", Map.of("evaluations", 1));
    assertSent(once.forge(view("median")), 2, 1, 0);
    assertThat(once.lastSearch()).isEqualTo(new AttackSearch(0.0, 1));
    // direction minus: b = (2 − τ, 1 − τ), the median 2 − min(τ, 1) and 1 − min(τ, 1) by symmetry: b = (1, 0)
    assertSent(attack("optimal-alie", Map.of("direction", "minus")).forge(view("median")), 1, 0, 0);
  }

  /**
   * optimal-fall-of-empires (minus), mean: b = −εμ, the mean (3μ − 2εμ)/5, so mean − μ = −(2 + 2ε)μ/5 and the objective
   * (2 + 2ε)²·5/25 grows with ε: every expansion step improves, ε = 0, 1, 3, 7 with 4 evaluations (the step doubles
   * 1, 2, 4); b = −7μ = (−14, −7). With the default 16: ε = 2^15 − 1 = 32767.
   */
  @Test
  void optimalFallOfEmpiresAgainstTheMean() {
    Attack a = attack("optimal-fall-of-empires", Map.of("evaluations", 4));
    assertSent(a.forge(view("mean")), -14, -7, 0);
    assertThat(a.lastSearch()).isEqualTo(new AttackSearch(7.0, 4));
    Attack full = attack("optimal-fall-of-empires", Map.of());
    assertSent(full.forge(view("mean")), -65534, -32767, 0);
    assertThat(full.lastSearch()).isEqualTo(new AttackSearch(32767.0, 16));
  }

  /**
   * bulyan-targeted, median: b = μ + λe_k. Target the last coordinate (default): b = (2, 1 + λ); coordinate 0 of
   * {1, 2, 3, 2, 2} stays 2 = μ0, coordinate 1 is 1 + min(λ, 1) as above: λ = 1, b = (2, 2). Target 0: b = (2 + λ, 1),
   * λ = 1, b = (3, 1).
   */
  @Test
  void bulyanTargetedAgainstTheMedian() {
    Attack a = attack("bulyan-targeted", Map.of());
    assertSent(a.forge(view("median")), 2, 2, 0);
    assertThat(a.lastSearch()).isEqualTo(new AttackSearch(1.0, 16));
    assertSent(attack("bulyan-targeted", Map.of("target", 0)).forge(view("median")), 3, 1, 0);
    // target: all against the mean: b = μ + λ(1, 1), mean − μ = 2λ(1, 1)/5 grows with λ: λ = 0, 1, 3, 7 in 4 tries,
    // b = (2 + 7, 1 + 7)
    assertSent(attack("bulyan-targeted", Map.of("target", "all", "evaluations", 4)).forge(view("mean")), 9, 8, 0);
    assertThatThrownBy(() -> attack("bulyan-targeted", Map.of("target", 2)).forge(view("median")))
        .hasMessage("bulyan-targeted: target is 2 with d=2; allowed: 0 <= target <= 1, last or all");
    assertThatThrownBy(() -> attack("bulyan-targeted", Map.of("target", "first")))
        .hasMessage("bulyan-targeted: parameter target is first; allowed: last, all or a coordinate index >= 0");
  }

  /**
   * min-max, deviation std (default): b = μ − γσ = (2 − γ, 1 − γ). Squared distances to x1, x2, x3: 2(1 − γ)²,
   * γ² + (1 + γ)², (1 + γ)² + γ²; the largest for γ > 0 is 2γ² + 2γ + 1 ≤ 5, i.e. γ² + γ − 2 ≤ 0: γ* = 1, b = x1 =
   * (1, 0). The search reaches γ* from below to within 1e-5 in 20 tries (the step halves from 10: 10/2^20 < 1e-5).
   */
  @Test
  void minMaxWithTheStd() {
    Attack a = attack("min-max", Map.of());
    List<Message> forged = a.forge(view(null));
    assertThat(a.lastSearch().factor()).isBetween(1 - 2e-5, 1.0);
    assertThat(a.lastSearch().evaluations()).isEqualTo(20);
    assertSent(forged, 1, 0, 2e-5);
  }

  /**
   * min-max, deviation unit-vec: b = μ + γu, u = −μ/‖μ‖ = −(2, 1)/√5. ‖b − x_i‖² = ‖μ − x_i‖² + 2γ u·(μ − x_i) + γ²
   * with μ − x = (1, 1), (0, −1), (−1, 0): 2 − 6γ/√5 + γ², 1 + 2γ/√5 + γ², 1 + 4γ/√5 + γ². The largest is the third,
   * ≤ 5 until γ² + 4γ/√5 − 4 = 0: γ* = (−4/√5 + √(16/5 + 16))/2 = (−1.7888544 + 4.3817805)/2 = 1.2964630,
   * b = μ(1 − γ* / √5) = (2, 1)·0.4202041 = (0.8404082, 0.4202041).
   */
  @Test
  void minMaxWithTheUnitVector() {
    Attack a = attack("min-max", Map.of("deviation", "unit-vec"));
    List<Message> forged = a.forge(view(null));
    assertThat(a.lastSearch().factor()).isBetween(1.2964630 - 2e-5, 1.2964631);
    assertSent(forged, 0.8404082, 0.4202041, 2e-5);
  }

  /**
   * min-sum, unit-vec (default): Σ_i ‖b − x_i‖² = Σ_i ‖μ − x_i‖² + 3γ² (the cross terms sum to 0 around the mean)
   * = (2 + 1 + 1) + 3γ². Bound worst (the paper's): ≤ max S = 10, γ* = √2 = 1.4142136, b = μ(1 − √(2/5)) =
   * (0.7350889, 0.3675445). Bound best (the authors' code and Blades'): ≤ min S = 7, γ* = 1, b = μ(1 − 1/√5) =
   * (1.1055728, 0.5527864). Deviation std, bound best: ‖σ‖² = 2, 4 + 6γ² ≤ 7, γ* = 1/√2 = 0.7071068, b = μ − γ*σ =
   * (1.2928932, 0.2928932).
   */
  @Test
  void minSumWithBothBounds() {
    Attack worst = attack("min-sum", Map.of());
    assertSent(worst.forge(view(null)), 0.7350889, 0.3675445, 2e-5);
    assertThat(worst.lastSearch().factor()).isBetween(Math.sqrt(2) - 2e-5, Math.sqrt(2));
    Attack best = attack("min-sum", Map.of("bound", "best"));
    assertSent(best.forge(view(null)), 1.1055728, 0.5527864, 2e-5);
    assertThat(best.lastSearch().factor()).isBetween(1 - 2e-5, 1.0);
    Attack std = attack("min-sum", Map.of("bound", "best", "deviation", "std"));
    assertSent(std.forge(view(null)), 1.2928932, 0.2928932, 2e-5);
    assertThat(std.lastSearch().factor()).isBetween(Math.sqrt(0.5) - 2e-5, Math.sqrt(0.5));
  }

  /** The example's view of one coordinate (chunk k of two one-coordinate chunks). */
  private static AttackView coordinate(int k) {
    float[][] honest = new float[HONEST.length][];
    for (int i = 0; i < honest.length; i++) {
      honest[i] = new float[] {HONEST[i][k]};
    }
    float[][] own = {{OWN[0][k]}, {OWN[1][k]}};
    return new AttackView(ThreatModel.OMNISCIENT, MessageKind.DENSE, 1, 5,
        AttackFixtures.denseMessages(HONEST.length, own), List.of(own[0], own[1]),
        AttackFixtures.denseMessages(0, honest), null, TieRule.ZERO, 7, 3, k, null);
  }

  /**
   * min-max, deviation std, chunk by chunk: two chunks of one coordinate each. p' = −σ = (−1, −1). Coordinate 0 of x1,
   * x2, x3 is 1, 2, 3 (μ_0 = 2): (μ_0 − x_i0)² = 1, 0, 1; (μ_0 − x_i0)·p'_0 = −1, 0, 1; p'_0² = 1; pairwise (x1x2, x1x3,
   * x2x3) 1, 4, 1. Coordinate 1 is 0, 2, 1 (μ_1 = 1): 1, 1, 0; −1, 1, 0; 1; 4, 1, 1. Added: ‖μ − x_i‖² = (2, 1, 1),
   * ⟨μ − x_i, p'⟩ = (−2, 1, 1), ‖p'‖² = 2, pairwise (5, 5, 2), so the candidate's distances are 2 − 4γ + 2γ²,
   * 1 + 2γ + 2γ², 1 + 2γ + 2γ², those of the whole vectors: the same search, the same γ and the same b.
   */
  @Test
  void minMaxRunsChunkByChunk() {
    Attack whole = attack("min-max", Map.of());
    List<Message> sent = whole.forge(view(null));
    Attack a = attack("min-max", Map.of());
    ChunkedAttack c = a.chunked();
    assertThat(c.ready(null)).isFalse();
    double[] first = c.partial(coordinate(0), null);
    double[] second = c.partial(coordinate(1), null);
    assertThat(first).containsExactly(1, 0, 1, -1, 0, 1, 1, 1, 4, 1);
    assertThat(second).containsExactly(1, 1, 0, -1, 1, 0, 1, 4, 1, 1);
    double[] sums = new double[first.length];
    for (int i = 0; i < sums.length; i++) {
      sums[i] = first[i] + second[i];
    }
    java.io.Serializable decided = c.decide(sums, null);
    assertThat(c.ready(decided)).isTrue();
    assertThat(a.lastSearch()).isEqualTo(whole.lastSearch());
    assertThat(a.lastSearch().factor()).isBetween(1 - 2e-5, 1.0);
    for (int k = 0; k < 2; k++) {
      List<Message> part = c.finish(coordinate(k), decided);
      assertThat(part).hasSize(2);
      for (int b = 0; b < 2; b++) {
        assertThat(part.get(b).worker()).isEqualTo(3 + b);
        assertThat(((DenseMessage) part.get(b)).values())
            .containsExactly(((DenseMessage) sent.get(b)).values()[k]);
      }
    }
  }

  /**
   * No Byzantine worker sends: the chunks give no sums and forge nothing, and no search is recorded. One honest vector
   * under deviation std: σ = 0, no direction to push, b = μ without a try (γ = 0, 0 evaluations).
   */
  @Test
  void noByzantineOrNoDirection() {
    Attack a = attack("min-sum", Map.of("deviation", "std"));
    AttackView none = new AttackView(ThreatModel.OMNISCIENT, MessageKind.DENSE, 2, 3, List.of(), List.of(),
        AttackFixtures.denseMessages(0, HONEST), null, TieRule.ZERO, 7, 3, 0, null);
    assertThat(a.chunked().partial(none, null)).isEmpty();
    assertThat(a.forge(none)).isEmpty();
    assertThat(a.lastSearch()).isNull();
    AttackView single = new AttackView(ThreatModel.OMNISCIENT, MessageKind.DENSE, 2, 3,
        AttackFixtures.denseMessages(1, OWN), List.of(OWN[0], OWN[1]),
        AttackFixtures.denseMessages(0, new float[][] {{2, 1}}), null, TieRule.ZERO, 7, 3, 0, null);
    List<Message> forged = a.forge(single);
    assertThat(a.lastSearch()).isEqualTo(new AttackSearch(0, 0));
    assertThat(((DenseMessage) forged.get(0)).values()).containsExactly(2, 1);
  }

  /**
   * The search over sums (‖μ − x_i‖² + 2γ⟨μ − x_i, p⟩ + γ²‖p‖²) finds what the same bisection over directly computed
   * distances ‖b − x_i‖² finds, on random honest vectors, for both attacks, both bounds and every deviation.
   */
  @Test
  void theSumsGiveTheDirectDistancesSearch() {
    java.util.Random r = new java.util.Random(5);
    float[][] rows = new float[6][40];
    for (float[] row : rows) {
      for (int k = 0; k < row.length; k++) {
        row[k] = (float) (r.nextGaussian() + 0.3);
      }
    }
    AttackView view = new AttackView(ThreatModel.OMNISCIENT, MessageKind.DENSE, 40, 8,
        AttackFixtures.denseMessages(6, new float[][] {new float[40], new float[40]}), List.of(new float[40],
        new float[40]), AttackFixtures.denseMessages(0, rows), null, TieRule.ZERO, 7, 3, 0, null);
    double[][] h = new double[6][40];
    double[] mu = new double[40];
    for (int i = 0; i < 6; i++) {
      for (int k = 0; k < 40; k++) {
        h[i][k] = rows[i][k];
        mu[k] += h[i][k] / 6;
      }
    }
    for (String name : List.of("min-max", "min-sum")) {
      for (String deviation : List.of("unit-vec", "std", "sign")) {
        for (String bound : name.equals("min-sum") ? List.of("worst", "best") : List.of("worst")) {
          Map<String, Object> params = name.equals("min-sum") ? Map.of("deviation", deviation, "bound", bound)
              : Map.of("deviation", deviation);
          Attack a = attack(name, params);
          float[] sent = ((DenseMessage) a.forge(view).get(0)).values();
          double[] p = HonestStats.std(h, HonestStats.mean(h));
          double norm = Math.sqrt(java.util.Arrays.stream(mu).map(m -> m * m).sum());
          for (int k = 0; k < 40; k++) {
            p[k] = switch (deviation) {
              case "unit-vec" -> -mu[k] / norm;
              case "std" -> -p[k];
              default -> -Math.signum(mu[k]);
            };
          }
          double gamma = directSearch(h, mu, p, name, bound);
          assertThat(a.lastSearch().factor()).as("%s %s %s", name, deviation, bound).isCloseTo(gamma,
              within(1e-9 * Math.max(1, gamma)));
          for (int k = 0; k < 40; k++) {
            assertThat((double) sent[k]).isCloseTo(mu[k] + gamma * p[k], within(1e-5));
          }
        }
      }
    }
  }

  /** The authors' bisection from γ = 10 with every distance computed from b itself. */
  private static double directSearch(double[][] h, double[] mu, double[] p, String name, String bound) {
    double[][] pairwise = new double[h.length][h.length];
    for (int i = 0; i < h.length; i++) {
      for (int j = 0; j < h.length; j++) {
        for (int k = 0; k < mu.length; k++) {
          pairwise[i][j] += (h[i][k] - h[j][k]) * (h[i][k] - h[j][k]);
        }
      }
    }
    double tried = 10;
    double step = 10;
    double admitted = 0;
    while (Math.abs(admitted - tried) > 1e-5) {
      double worst = 0;
      double sum = 0;
      for (double[] x : h) {
        double dist = 0;
        for (int k = 0; k < mu.length; k++) {
          double e = mu[k] + tried * p[k] - x[k];
          dist += e * e;
        }
        worst = Math.max(worst, dist);
        sum += dist;
      }
      boolean ok;
      if (name.equals("min-max")) {
        ok = worst <= java.util.Arrays.stream(pairwise).flatMapToDouble(java.util.Arrays::stream).max().orElse(0);
      } else {
        java.util.stream.DoubleStream rowSums = java.util.Arrays.stream(pairwise)
            .mapToDouble(row -> java.util.Arrays.stream(row).sum());
        ok = sum <= (bound.equals("worst") ? rowSums.max() : rowSums.min()).orElse(0);
      }
      if (ok) {
        admitted = tried;
        tried += step / 2;
      } else {
        tried -= step / 2;
      }
      step /= 2;
    }
    return admitted;
  }

  /** A naive grid over γ in steps of 1e-6 finds the same largest admitted γ as the bisection, to 2e-5. */
  @Test
  void theBisectionAgreesWithAGrid() {
    double[][] h = {{1, 0}, {2, 2}, {3, 1}};
    double[] mu = {2, 1};
    double best = 0;
    for (int i = 0; i <= 20_000_000; i++) {
      double g = i * 1e-6;
      double worst = 0;
      for (double[] x : h) {
        double a = mu[0] - g - x[0];
        double b = mu[1] - g - x[1];
        worst = Math.max(worst, a * a + b * b);
      }
      if (worst <= 5) {
        best = g;
      } else {
        break;
      }
    }
    Attack a = attack("min-max", Map.of());
    a.forge(view(null));
    assertThat(a.lastSearch().factor()).isCloseTo(best, within(2e-5));
  }

  /**
   * Each of them uses all coordinates at once, and runs chunk by chunk all the same: the distance-bounded ones in a
   * pass of sums, the searchers by having the server try the rule chunk by chunk.
   */
  @Test
  void noneIsCoordinateWiseAndTheSearchersNeedTheRule() {
    for (String name : List.of("optimal-alie", "optimal-fall-of-empires", "bulyan-targeted", "min-max", "min-sum")) {
      Attack a = attack(name, Map.of());
      assertThat(a.coordinateWise()).as(name).isFalse();
      assertThat(a.shardable()).as(name).isTrue();
      assertThat(a.chunked() != null).as(name).isEqualTo(name.startsWith("min-"));
      assertThat(a.searching() != null).as(name).isEqualTo(name.startsWith("optimal-") || name.startsWith("bulyan"));
      assertThat(a.threatModel()).as(name).isEqualTo(ThreatModel.OMNISCIENT);
      assertThat(a.kinds()).as(name).containsExactly(MessageKind.DENSE);
    }
    assertThatThrownBy(() -> attack("optimal-alie", Map.of()).forge(view(null)))
        .isInstanceOf(IllegalStateException.class).hasMessage("optimal-alie tries the run's rule on whole vectors; "
            + "this view holds chunk 0 without the rule (the attack must not be coordinate-wise)");
    assertThat(attack("alie", Map.of()).lastSearch()).isNull();
  }

  /** direction: plus puts alie and fall-of-empires on the other side of μ; minus (the default) is unchanged. */
  @Test
  void alieAndFallOfEmpiresInBothDirections() {
    // alie factor 1.5: μ ∓ 1.5σ = (2 ∓ 1.5, 1 ∓ 1.5)
    assertSent(attack("alie", Map.of("factor", 1.5)).forge(view(null)), 0.5, -0.5, 0);
    assertSent(attack("alie", Map.of("factor", 1.5, "direction", "plus")).forge(view(null)), 3.5, 2.5, 0);
    // fall-of-empires ε = 0.5: ∓0.5μ
    assertSent(attack("fall-of-empires", Map.of("epsilon", 0.5)).forge(view(null)), -1, -0.5, 0);
    assertSent(attack("fall-of-empires", Map.of("epsilon", 0.5, "direction", "plus")).forge(view(null)), 1, 0.5, 0);
    assertThatThrownBy(() -> attack("alie", Map.of("direction", "up")))
        .hasMessage("alie: parameter direction is up; allowed: one of [minus, plus]");
  }

  /**
   * The bisection ends at a large γ too: the honest vectors of minMaxWithTheUnitVector scaled by 1e11 put γ* at
   * 1.2964630e11, where one double's spacing (1.5e-5) exceeds the authors' 1e-5 tolerance; the search stops when its
   * step no longer moves γ (about 57 halvings from 1e12) instead of spinning.
   */
  @Test
  @org.junit.jupiter.api.Timeout(60) // a hang guard only: the search takes microseconds
  void minMaxEndsAtALargeGamma() {
    float[][] scaled = new float[HONEST.length][];
    for (int i = 0; i < HONEST.length; i++) {
      scaled[i] = new float[] {HONEST[i][0] * 1e11f, HONEST[i][1] * 1e11f};
    }
    List<Message> honest = AttackFixtures.denseMessages(0, scaled);
    List<Message> own = AttackFixtures.denseMessages(HONEST.length, OWN);
    Attack a = attack("min-max", Map.of("deviation", "unit-vec", "gamma", 1e12));
    a.forge(new AttackView(ThreatModel.OMNISCIENT, MessageKind.DENSE, 2, 5, own, List.of(OWN[0], OWN[1]), honest,
        null, TieRule.ZERO, 7, 3, 0, null));
    assertThat(a.lastSearch().factor()).isCloseTo(1.2964630e11, org.assertj.core.api.Assertions.withinPercentage(1e-4));
    assertThat(a.lastSearch().evaluations()).isBetween(40, 80);
  }
}
