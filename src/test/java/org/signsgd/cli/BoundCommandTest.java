package org.signsgd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code bound}: the exact vote failure and the bounds of Akoun and Meyer (arXiv 2202.02085, Thm 2bis) and Mengoli
 * et al. (2025, Thm 3.7) at hand-computed points (docs/bounds.md), the tolerance, bad input.
 */
class BoundCommandTest {
  private static String[] run(String... args) {
    return Cli.run(args).asArray();
  }

  private static String value(String out, String rowStart) {
    return out.lines().filter(l -> l.startsWith(rowStart)).findFirst().orElseThrow().substring(58).trim()
        .split("\\s+")[0];
  }

  @Test
  void firstRowOfTheTable() {
    String[] r = run("bound", "--p", "0.8", "--workers", "27", "--byzantine", "5");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1]).contains("Q=27, B=5 (alpha=0.1852), H=22 honest, p=0.8")
        .contains("tolerance alpha < 1 - 1/(2p) = 0.3750 (B < (2p-1)H = 13.2000): holds");
    assertThat(value(r[1], "exact P[G < Q/2]")).isEqualTo("0.0201417");
    assertThat(value(r[1], "exact P[G <= Q/2]")).isEqualTo("0.0201417");
    assertThat(value(r[1], "Cantelli")).isEqualTo("0.1731431");
    assertThat(value(r[1], "AM-GM")).isEqualTo("0.2288008");
  }

  @Test
  void snrCheckValuesTiesAndVacuousBounds() {
    String[] s = run("bound", "--p", "0.8535534", "--workers", "27", "--byzantine", "5", "--snr", "2");
    assertThat(value(s[1], "exact P[G <= Q/2]")).isEqualTo("0.0025029");
    assertThat(value(s[1], "Cantelli")).isEqualTo("0.0898425");
    assertThat(value(s[1], "Mengoli et al. final, as printed")).isEqualTo("0.0392729");
    assertThat(s[1].lines().filter(l -> l.startsWith("Mengoli et al. final, as printed"))).singleElement()
        .satisfies(l -> assertThat(l).endsWith("4x too small: Lemma 3.6 gives sqrt(p(1-p)) <= (2/S)(p-1/2)"));
    assertThat(value(s[1], "Mengoli et al. final, corrected")).isEqualTo("0.1570915");
    assertThat(value(s[1], "Akoun and Meyer final")).isEqualTo("0.1740296");
    assertThat(value(s[1], "  exact for Gaussian noise")).isEqualTo("0.0227501");
    // (4, 1, 0.9): the tie convention matters
    String[] t = run("bound", "--p", "0.9", "--workers", "4", "--alpha", "0.25");
    assertThat(value(t[1], "exact P[G < Q/2]")).isEqualTo("0.0280000");
    assertThat(value(t[1], "exact P[G <= Q/2]")).isEqualTo("0.2710000");
    // (27, 10, 0.8): inside the tolerance, but AM-GM is vacuous
    String[] v = run("bound", "--p", "0.8", "--workers", "27", "--byzantine", "10");
    assertThat(v[1].lines().filter(l -> l.startsWith("AM-GM"))).singleElement()
        .satisfies(l -> assertThat(l).contains("8.2462113").contains("vacuous (>= 1)"));
    // outside the tolerance the Cantelli chain is undefined
    String[] out = run("bound", "--p", "0.8", "--workers", "27", "--byzantine", "14");
    assertThat(out[1]).contains("FAILS");
    assertThat(value(out[1], "Cantelli")).isEqualTo("undefined");
  }

  @Test
  void badInputIsOneLine() {
    String[] r = run("bound", "--p", "1.5", "--workers", "4", "--byzantine", "1");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2].strip()).isEqualTo("error: --p 1.5; allowed: 0 < P <= 1");
  }
}
