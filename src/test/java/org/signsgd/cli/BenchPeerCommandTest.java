package org.signsgd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.signsgd.bench.Bench;

/**
 * Bench section k without the Maven profile pytorch-peer (the default build, these tests): asked for alone, it
 * says in one line how to enable it and exits with code 2, before any Spark session or data check; so do bad sizes
 * and rules for section j.
 */
class BenchPeerCommandTest {
  @Test
  void sectionKWithoutThePeerIsOneLineAndExitTwo() {
    assertThat(Bench.peerAvailable()).as("the default build has no PyTorch peer").isFalse();
    Cli.Result r = Cli.run("bench", "--only", "k", "--mnist", "/nonexistent");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().strip()).isEqualTo("bench: section k needs the PyTorch peer, compiled only with the Maven"
        + " profile pytorch-peer: run SIGNSGD_MAVEN_PROFILES=pytorch-peer submit/local.sh bench --only k (the"
        + " first build downloads about 110 MB)");
    assertThat(r.err().lines().count()).isEqualTo(1);
  }

  @Test
  void anUnknownSectionIsStillRefusedByName() {
    Cli.Result r = Cli.run("bench", "--only", "l");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("bench: --only l is not a section; allowed: a,b,c,d,e,f,g,h,i,j,k");
  }
  @Test
  void sectionJsSizeAndRulesAreCheckedBeforeAnythingRuns() {
    Cli.Result d = Cli.run("bench", "--only", "j", "--server-d", "0", "--mnist", "/nonexistent");
    assertThat(d.code()).isEqualTo(2);
    assertThat(d.err().strip()).isEqualTo("error: bench: --server-d is 0; allowed: an integer >= 1");
    Cli.Result rule = Cli.run("bench", "--only", "j", "--server-rules", "median,krumm", "--mnist", "/nonexistent");
    assertThat(rule.code()).isEqualTo(2);
    assertThat(rule.err().strip()).startsWith("error: bench: --server-rules names 'krumm', not a rule; allowed: "
        + "majority-vote, ").endsWith(" (submit/local.sh list rules)");
    assertThat(rule.err().lines().count()).isEqualTo(1);
  }

  @Test
  void aSectionThatReadsMnistNamesTheMissingFilesInOneLine() {
    Cli.Result r = Cli.run("bench", "--only", "b", "--mnist", "/nonexistent");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("error: bench: no MNIST idx files in /nonexistent (sections b,c,d,h,k read"
        + " them); run datasets/fetch-mnist.sh, give --mnist DIR, or leave those sections out with --only");
  }
}
