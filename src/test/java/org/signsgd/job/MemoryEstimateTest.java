package org.signsgd.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.spec.RuleSpec;

/** The memory a run needs with all its workers in one JVM, and the one-line refusal of a run that cannot fit. */
class MemoryEstimateTest {
  @TempDir
  Path dir;

  private JobSpec load(String yaml) throws Exception {
    Path f = dir.resolve("job.yaml");
    Files.writeString(f, yaml);
    return JobFile.load(f, List.of()).get(0);
  }

  @Test
  void theFormulaCountsWorkersMessagesTheRuleAndTheDriver() throws Exception {
    // sign: 27 · (12·1000 + 2 · 8·⌈1000/64⌉) + 8·1000 = 27 · 12,256 + 8,000
    assertThat(MemoryEstimate.bytes(load("name: a\n"))).isEqualTo(338_912);
    // dense: 9 · (12·1000 + 2 · 4·1000 + 8·1000) + 8·1000
    assertThat(MemoryEstimate.bytes(load("name: b\nworkers: 9\naggregator: mean\n"))).isEqualTo(260_000);
    // sign-fd's counts: 2 bytes per worker and coordinate, 4 with forgetting, twice (a round's old and new counts)
    assertThat(MemoryEstimate.bytes(load("name: c\nworkers: 9\naggregator: sign-fd\n")))
        .isEqualTo(9 * (12_000 + 256 + 4_000) + 8_000);
    assertThat(MemoryEstimate.bytes(load("name: c\nworkers: 9\naggregator: {name: sign-fd, gamma: 0.9}\n")))
        .isEqualTo(9 * (12_000 + 256 + 8_000) + 8_000);
    // a dense rule's working set is one chunk of 65,536 coordinates, whatever the attack: d = 100,000
    String big = "workers: 9\nbyzantine: 2\nmodel: {name: quadratic, dim: 100000}\naggregator: median\n";
    for (String attack : new String[] {"gaussian", "optimal-alie", "min-max"}) {
      assertThat(MemoryEstimate.bytes(load("name: e\n" + big + "attack: " + attack + "\n"))).as(attack)
          .isEqualTo(9 * (1_200_000 + 800_000 + 8L * 65_536) + 800_000);
    }
    // centered clipping's centre, 8d more, kept by the chunks
    assertThat(MemoryEstimate.bytes(load("name: g\n" + big.replace("median", "{name: nnm, then: centered-clipping}")
        + "attack: optimal-alie\n"))).isEqualTo(9 * (1_200_000 + 800_000 + 8L * 65_536) + 800_000 + 800_000);
  }

  @Test
  void aShardedRunsDriverCollectsNoCopyOfTheMessages() throws Exception {
    long d = 1 << 20; // where aggregation: auto starts to shard a rule that reads dense messages or keeps counts
    String toy = "workers: 9\nmodel: {name: quadratic, dim: %d}\n";
    long chunk = 8L * 65_536;
    // median, auto: sharded, so each worker's message once: 9 · (12d + 4d + 8 · 65,536) + 8d
    long sharded = 9 * (16 * d + chunk) + 8 * d;
    assertThat(MemoryEstimate.bytes(load("name: a\n" + toy.formatted(d) + "aggregator: median\n")))
        .isEqualTo(sharded).isEqualTo(164_102_144L);
    // the same on the driver: the collected copy too, 9 · 4d more
    long driver = 9 * (20 * d + chunk) + 8 * d;
    for (String onTheDriver : List.of("aggregation: driver\n", "engine: inprocess\n", "resident_workers: true\n")) {
      assertThat(MemoryEstimate.bytes(load("name: b\n" + toy.formatted(d) + "aggregator: median\n" + onTheDriver)))
          .as(onTheDriver).isEqualTo(driver).isEqualTo(201_850_880L);
    }
    // one coordinate less: auto keeps it on the driver
    assertThat(MemoryEstimate.bytes(load("name: c\n" + toy.formatted(d - 1) + "aggregator: median\n")))
        .isEqualTo(9 * (20 * (d - 1) + chunk) + 8 * (d - 1));
    // a stateless sign vote stays on the driver (two copies of 8·d/64 bytes); sign-fd, whose counts shard, one
    long signs = 8 * (d / 64);
    assertThat(MemoryEstimate.bytes(load("name: d\n" + toy.formatted(d))))
        .isEqualTo(9 * (12 * d + 2 * signs) + 8 * d);
    assertThat(MemoryEstimate.bytes(load("name: e\n" + toy.formatted(d) + "aggregator: sign-fd\n")))
        .isEqualTo(9 * (12 * d + signs + 2 * 2 * d) + 8 * d);
  }

  @Test
  void theDimensionNamedFitsWithEverySmallerOne() throws Exception {
    // median, 9 workers: 188d + 4,718,592 bytes on the driver (d < 2^20), 152d + 4,718,592 sharded (d >= 2^20).
    // With 190,000,000 bytes, d <= 985,539 fits, d from there to 2^20 - 1 does not (201,850,692 bytes at 2^20 - 1),
    // and d from 2^20 to 1,218,956 does again: the refusal names the range where every smaller d fits
    JobSpec big = load("name: big\nworkers: 9\nmodel: {name: quadratic, dim: 2000000}\naggregator: median\n");
    assertThatThrownBy(() -> MemoryEstimate.require(big, "jobs/big.yaml", 190_000_000L))
        .hasMessageContaining("9 workers fit with dim <= 985,539, or 5 workers fit with this d;");
  }

  @Test
  void aRunThatCannotFitIsOneLineWithWhatWouldFit() throws Exception {
    // used to pass validation and die with OutOfMemoryError
    JobSpec big = load("name: big\nmodel: {name: quadratic, dim: 100000000}\n");
    // 27 · (12·10^8 + 16·1,562,500) + 8·10^8 = 33,875,000,000 bytes; with 24 GiB, 338.75 bytes per dim:
    // dim 76,073,220 needs 25,769,803,680 bytes, 96 under 24 GiB; (24 GiB − 8·10^8) / 1,225,000,000 = 20.4
    assertThatThrownBy(() -> MemoryEstimate.require(big, "jobs/big.yaml", 24L << 30))
        .isInstanceOf(JobException.class).hasMessage("jobs/big.yaml: model: needs about 31.5 GiB with its 27 "
            + "workers in one JVM (quadratic, d = 100,000,000), but 24.0 GiB is available; 27 workers fit with "
            + "dim <= 76,073,220, or 20 workers fit with this d; give the JVM more memory (-Xmx) or run on a cluster");
    MemoryEstimate.require(big, "jobs/big.yaml", 33_875_000_000L);
    // a network's d is fixed: 27 · (12·1,199,882 + 16·18,749) + 8·1,199,882 = 406,460,392 bytes
    JobSpec cnn = withModel(load("name: cnn\n"), new RuleSpec("mengoli-cnn", Map.of()));
    assertThat(MemoryEstimate.bytes(cnn)).isEqualTo(406_460_392L);
    assertThatThrownBy(() -> MemoryEstimate.require(cnn, "jobs/cnn.yaml", 256L << 20)).hasMessage("jobs/cnn.yaml: "
        + "model: needs about 387.6 MiB with its 27 workers in one JVM (mengoli-cnn, d = 1,199,882), but 256.0 MiB "
        + "is available; 17 workers fit with this d; give the JVM more memory (-Xmx) or run on a cluster");
    assertThatThrownBy(() -> MemoryEstimate.require(cnn, "jobs/cnn.yaml", 10L << 20)).hasMessageContaining(
        "but 10.0 MiB is available; not even 1 worker fits; give");
  }

  private static JobSpec withModel(JobSpec s, RuleSpec model) {
    return new JobSpec(s.runId(), s.name(), s.seed(), model, s.data(), s.workers(), s.byzantine(),
        s.declaredByzantine(), s.attack(), s.aggregator(), s.momentumBeta(), s.momentumAt(), s.momentumDampening(),
        s.nesterov(), s.weightDecay(), s.gradientClip(), s.l2Penalty(), s.batchSize(), s.iterations(), s.lr(),
        s.evalEvery(), s.referenceEvery(), s.engine(), s.checkpointEvery(), s.checkpointDir(), s.flushEvery(),
        s.checkEvery(), s.workersPerPartition(), s.aggregation(), s.aggregationShards(), s.workerMetrics(), s.device(),
        s.residentWorkers(),
        s.json());
  }
}
