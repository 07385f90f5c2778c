package org.signsgd.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.signsgd.spec.RuleSpec;

/**
 * The running example E of docs/aggregators.md (n = 7, d = 2, x_7 Byzantine), for every dense rule, to 1e-9: the
 * values the papers' definitions give, recomputed by hand in double.
 */
class RobustRulesWorkedExampleTest {
  static final double[][] E = {{1.0, 2.1}, {2.2, 1.4}, {0.4, 0.9}, {1.6, 0.1}, {2.7, 2.6}, {1.3, 0.7},
      {10.0, -8.0}};
  private static final double TOL = 1e-9;

  private static DenseRule rule(String name, Map<String, Object> params) {
    return (DenseRule) Rules.create(new RuleSpec(name, params));
  }

  private static void assertVector(double[] actual, double... expected) {
    assertThat(actual).hasSize(expected.length);
    for (int k = 0; k < expected.length; k++) {
      assertThat(actual[k]).as("coordinate %d of %s", k, Arrays.toString(actual)).isCloseTo(expected[k],
          within(TOL));
    }
  }

  private static double[][] firstSix() {
    return Arrays.copyOf(E, 6);
  }

  @Test
  void krumScoresAndWinners() {
    Krum krum = (Krum) rule("krum", Map.of());
    // scores computed by hand to 2 decimals (k = 4, squared)
    double[] s = krum.scores(E, 1);
    double[] expected = {8.92, 6.97, 8.22, 8.94, 17.86, 4.65, 602.4};
    for (int i = 0; i < 7; i++) {
      assertThat(s[i]).isCloseTo(expected[i], within(0.006));
    }
    assertVector(krum.combine(E, 1), 1.3, 0.7);
    assertVector(krum.combine(E, 2), 1.3, 0.7);
  }

  @Test
  void multiKrumOfThePaperAndTheLpdVariant() {
    assertVector(rule("multi-krum", Map.of()).combine(E, 1), 1.5333333333, 1.3);
    assertVector(rule("multi-krum", Map.of("m", 4)).combine(E, 1), 1.225, 1.275);
    assertVector(rule("multi-krum", Map.of("m", 5)).combine(E, 2), 1.3, 1.04);
    assertVector(rule("multi-krum", Map.of("m", 3)).combine(E, 2), 1.1, 0.5666666667);
    Krum lpd = (Krum) rule("multi-krum", Map.of("neighbours", 5, "squared", false, "m", 4));
    double[] s = lpd.scores(E, 1);
    assertVector(s, 8.0227331082, 7.1293560996, 8.4340398409, 8.3641843683, 11.0234592449, 6.5248171146,
        62.1489387987);
    assertVector(lpd.combine(E, 1), 1.525, 1.075);
  }

  @Test
  void medianOddAndEvenBothModes() {
    assertVector(rule("median", Map.of()).combine(E, 1), 1.6, 0.9);
    assertVector(rule("median", Map.of()).combine(firstSix(), 1), 1.45, 1.15);
    assertVector(rule("median", Map.of("mode", "lower")).combine(firstSix(), 1), 1.3, 0.9);
  }

  @Test
  void trimmedMean() {
    assertVector(rule("trimmed-mean", Map.of()).combine(E, 1), 1.76, 1.04);
    assertVector(rule("trimmed-mean", Map.of()).combine(E, 2), 1.7, 1.0);
    assertVector(rule("trimmed-mean", Map.of("b", 2)).combine(E, 1), 1.7, 1.0);
  }

  /** On E both centres keep the same values (f = 1: all but x_7): equal outputs; the next test separates them. */
  @Test
  void phocasAndMeamed() {
    assertVector(rule("phocas", Map.of()).combine(E, 1), 1.5333333333, 1.3);
    assertVector(rule("meamed", Map.of()).combine(E, 1), 1.5333333333, 1.3);
    assertVector(rule("phocas", Map.of()).combine(E, 2), 1.76, 1.04);
    assertVector(rule("meamed", Map.of()).combine(E, 2), 1.76, 1.04);
  }

  /**
   * Where the two centres keep different values: n = 5, f = 1, each rule averages the n − f = 4 values closest to
   * its centre. First coordinate, sorted: 0, 6, 8, 20, 21.
   * <pre>
   *   trimmed mean_1 = (6 + 8 + 20)/3 = 34/3 = 11.333…;   median = 8
   *   Phocas: |v − 34/3| = 11.33, 5.33, 3.33, 8.67, 9.67 → drops 0  → (6 + 8 + 20 + 21)/4 = 55/4 = 13.75
   *   MeaMed: |v − 8|    =  8,    2,    0,    12,   13   → drops 21 → (0 + 6 + 8 + 20)/4 = 34/4 = 8.5
   * </pre>
   * The second coordinate is the first negated, and both rules commute with negation: −13.75 and −8.5. The rows
   * are not in sorted order (worker 0 sends 20). LPD-EPFL's ByzantineMomentum defines both rules the same way
   * (aggregators/trmean.py: the mean of the n − f values closest to trmean_f, or to the median), so its
   * definitions give these two values too; there are no distance ties, where its topk would not be deterministic.
   */
  @Test
  void phocasAndMeamedDifferWhenTheTrimmedMeanAndTheMedianDropDifferentValues() {
    double[][] x = {{20, -20}, {0, 0}, {21, -21}, {8, -8}, {6, -6}};
    assertVector(rule("trimmed-mean", Map.of()).combine(x, 1), 34.0 / 3, -34.0 / 3);
    assertVector(rule("median", Map.of()).combine(x, 1), 8, -8);
    assertVector(rule("phocas", Map.of()).combine(x, 1), 13.75, -13.75);
    assertVector(rule("meamed", Map.of()).combine(x, 1), 8.5, -8.5);
  }

  /** Both tie directions: lowest index (ours) selects (6, 2, 3, 1, 4); highest would select (6, 2, 3, 5, 7). */
  @Test
  void bulyanRecursionTieRuleAndTheLpdVariant() {
    Bulyan bulyan = (Bulyan) rule("bulyan", Map.of());
    assertThat(bulyan.selection(E, 1)).containsExactly(5, 1, 2, 0, 3);
    assertVector(bulyan.combine(E, 1), 1.3, 1.0);
    // the other tie direction, by mirroring worker order: reverse the rows, so that the lowest index now is the
    // highest original one; the recursion then selects originals (6, 2, 3, 5, 7) and the output is the one the
    // highest-index tie rule gives by hand
    double[][] reversed = new double[7][];
    for (int i = 0; i < 7; i++) {
      reversed[i] = E[6 - i];
    }
    int[] picked = bulyan.selection(reversed, 1);
    assertThat(Arrays.stream(picked).map(i -> 7 - i).toArray()).containsExactly(6, 2, 3, 5, 7);
    assertVector(bulyan.combine(reversed, 1), 2.0666666667, 1.0);
    assertVector(rule("bulyan", Map.of("variant", "lpd")).combine(E, 1), 1.375, 0.775);
  }

  @Test
  void geometricMedianSmoothedWeiszfeld() {
    assertVector(rule("geometric-median", Map.of()).combine(new double[][] {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}, 0),
        3.7878876412, 4.7878876412, 5.7878876412);
    assertVector(rule("geometric-median", Map.of()).combine(E, 1), 1.4899297493, 0.8567782932);
    double[] gm = rule("geometric-median", Map.of("iterations", 2000, "nu", 1e-9)).combine(E, 1);
    assertThat(gm[0]).isCloseTo(1.518800852, within(1e-8));
    assertThat(gm[1]).isCloseTo(0.884001073, within(1e-8));
  }

  @Test
  void centeredClippingIsStateful() {
    assertVector(rule("centered-clipping", Map.of("tau", 2)).combine(E, 1), 1.264224026, 0.6739093287);
    assertVector(rule("centered-clipping", Map.of("tau", 2, "iterations", 3)).combine(E, 1), 1.7464849517,
        1.042671391);
    CenteredClipping fromMedian = (CenteredClipping) rule("centered-clipping", Map.of("tau", 2));
    fromMedian.start(new double[] {1.6, 0.9});
    assertVector(fromMedian.combine(E, 1), 1.7370385244, 1.0320944102);
    // the next round starts from this round's output
    CenteredClipping twice = (CenteredClipping) rule("centered-clipping", Map.of("tau", 2));
    double[] first = twice.combine(E, 1);
    CenteredClipping started = (CenteredClipping) rule("centered-clipping", Map.of("tau", 2));
    started.start(first);
    assertVector(twice.combine(E, 1), started.combine(E, 1));
  }

  @Test
  void nearestNeighbourMixing() {
    assertVector(rule("nnm", Map.of()).combine(E, 1), 1.7476190476, 1.0595238095);
    assertVector(rule("nnm", Map.of("then", "median")).combine(E, 1), 1.5333333333, 1.3);
    assertVector(rule("nnm", Map.of("then", "trimmed-mean")).combine(E, 1), 1.5333333333, 1.3);
  }

  @Test
  void requirementsNameTheBound() {
    assertThatThrownBy(() -> rule("krum", Map.of()).checkRequirement(7, 3))
        .hasMessage("krum: n=7 with f=3; allowed: n >= 2f + 3, i.e. f <= 2");
    assertThatThrownBy(() -> rule("bulyan", Map.of()).checkRequirement(7, 2))
        .hasMessage("bulyan: n=7 with f=2; allowed: n >= 4f + 3, i.e. f <= 1");
    assertThatThrownBy(() -> rule("median", Map.of()).checkRequirement(6, 3))
        .hasMessage("median: n=6 with f=3; allowed: n >= 2f + 1, i.e. f <= 2");
    assertThatThrownBy(() -> rule("trimmed-mean", Map.of("b", 3)).checkRequirement(6, 1))
        .hasMessage("trimmed-mean: n=6 with b=3; allowed: n >= 2b + 1");
    assertThatThrownBy(() -> rule("nnm", Map.of()).checkRequirement(6, 3))
        .hasMessage("nnm: n=6 with f=3; allowed: f < n/2");
  }
}
