package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.signsgd.theory.VoteFailure;

/** Mengoli et al. 2025's toy problem (App. B, Table 2): 27 workers, d = 1000, batch 1, x₀ = 1. */
class ToyQuadraticTest {
  @TempDir
  Path dir;

  @Test
  void withoutAdversaryTheObjectiveEndsBelowOnePercentOfItsStart() throws Exception {
    List<IterationRow> rows = TestJobs.run(new InProcessEngine(), TestJobs.one(dir, TestJobs.TOY));
    assertThat(rows).hasSize(500);
    double start = rows.get(0).trainLoss();
    assertThat(start).isEqualTo(500.0);
    assertThat(rows.get(499).trainLoss()).isLessThan(0.01 * start);
  }

  @Test
  void with13OmniscientByzantinesTheObjectiveEndsAboveItsStart() throws Exception {
    List<IterationRow> rows = TestJobs.run(new InProcessEngine(),
        TestJobs.one(dir, TestJobs.TOY, "byzantine=13"));
    assertThat(rows.get(499).trainLoss()).isGreaterThan(rows.get(0).trainLoss());
  }

  /**
   * At t = 0 every honest sign is right with p = Φ(x₀√n/σ) = Φ(1), the B Byzantines are all wrong, so the
   * fraction of wrong vote coordinates estimates the exact binomial P_≤ (Q odd: no ties), standard error
   * √(P(1−P)/d) over the d coordinates.
   */
  @ParameterizedTest
  @ValueSource(ints = {4, 8, 10})
  void voteFailureAtIterationZeroMatchesTheExactBinomial(int byzantine) throws Exception {
    List<IterationRow> rows = TestJobs.run(new InProcessEngine(),
        TestJobs.one(dir, TestJobs.TOY, "byzantine=" + byzantine, "iterations=1"));
    double p = new NormalDistribution(null, 0, 1).cumulativeProbability(1.0);
    double exact = VoteFailure.exactWithTies(27, byzantine, p);
    double se = Math.sqrt(exact * (1 - exact) / 1000);
    IterationRow first = rows.get(0);
    assertThat(first.voteFailureRate()).isBetween(exact - 4 * se, exact + 4 * se);
    assertThat(first.honestAgreement()).isBetween(p - 4 * Math.sqrt(p * (1 - p) / (1000.0 * (27 - byzantine))),
        p + 4 * Math.sqrt(p * (1 - p) / (1000.0 * (27 - byzantine))));
  }

  @Test
  void signUplinkCostsCeilDOver8PlusASmallHeaderPerWorker() throws Exception {
    IterationRow row = TestJobs.run(new InProcessEngine(), TestJobs.one(dir, TestJobs.TOY, "iterations=1")).get(0);
    long perWorker = row.bytesUp() / 27;
    assertThat(row.bytesUp() % 27).isZero();
    assertThat(perWorker - (1000 + 7) / 8).isBetween(1L, 64L);
  }

  @Test
  void aLossThatBecomesNonFiniteEndsTheRunAsDiverged() throws Exception {
    Driver driver = new Driver(TestJobs.one(dir, TestJobs.TOY, "aggregator.name=mean", "attack.name=none",
        "lr={schedule: constant, initial: 3.0}", "iterations=400"));
    List<IterationRow> rows = new java.util.ArrayList<>();
    RunStatus status = new InProcessEngine().run(driver, rows::add);
    assertThat(status).isEqualTo(RunStatus.DIVERGED);
    assertThat(rows.size()).isLessThan(400);
  }
}
