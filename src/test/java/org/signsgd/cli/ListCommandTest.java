package org.signsgd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.signsgd.aggregate.Rules;
import org.signsgd.attack.Attacks;

/** {@code list}: every registered name, each with the defaults its registry fills in. */
class ListCommandTest {
  @Test
  void listsEveryRuleAndAttackWithItsDefaults() {
    Cli.Result r = Cli.run("list");
    assertThat(r.code()).as(r.err()).isZero();
    for (String n : Rules.names()) {
      assertThat(r.out()).containsPattern("(?m)^  " + java.util.regex.Pattern.quote(n) + " ");
    }
    for (String n : Attacks.names()) {
      assertThat(r.out()).containsPattern("(?m)^  " + java.util.regex.Pattern.quote(n) + " ");
    }
    assertThat(r.out())
        .containsPattern("(?m)^  majority-vote +\\{tie: zero\\}  \\(sign messages, shards\\)$")
        .containsPattern("(?m)^  bucketing +\\{s: 2, then: \\{name: mean\\}\\}  \\(dense messages, shards over a rule that shards\\)$")
        .containsPattern("(?m)^  min-max +\\{deviation: std, gamma: 10.0\\}  \\(omniscient, forges dense, in a pass of sums "
            + "over all coordinates\\)$")
        .containsPattern("(?m)^  optimal-alie +\\{.*\\}  \\(omniscient, forges dense, tries the rule chunk by chunk\\)$")
        .contains("canned queries (analyze --query NAME");
  }

  @Test
  void oneListOrAOneLineError() {
    Cli.Result attacks = Cli.run("list", "attacks");
    assertThat(attacks.out()).contains("attacks (").doesNotContain("aggregation rules", "canned queries");
    Cli.Result bad = Cli.run("list", "rule");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err().strip()).isEqualTo("error: list rule: no such list; allowed: rules, attacks, queries");
  }
}
