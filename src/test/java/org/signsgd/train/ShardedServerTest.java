package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.signsgd.aggregate.Aggregator;
import org.signsgd.aggregate.Rules;
import org.signsgd.attack.Attack;
import org.signsgd.attack.Attacks;
import org.signsgd.job.JobException;
import org.signsgd.job.JobSpec;
import org.signsgd.message.MessageKind;
import org.signsgd.server.Chunks;
import org.signsgd.spec.RuleSpec;

/**
 * {@code aggregation: sharded} gives the rows of {@code aggregation: driver}, timing aside, for every rule and attack
 * that can be sharded: at d = 70,000 the server's work is two chunks (65,536 + 4,464 coordinates, the second not a
 * whole number of words), cut on the workers, read in place by two shards on local[2] (one test shuffles them, as a
 * cluster does), and put together on the driver.
 */
class ShardedServerTest {
  @TempDir
  static Path dir;

  private static final int D = 70_000;

  private static final String JOB = """
      name: sharded
      seed: 5
      model: {name: quadratic, dim: 70000, noise_std: 1.0, x0: normal}
      workers: 6
      byzantine: 2
      attack: {name: none}
      aggregator: {name: majority-vote}
      momentum: {beta: 0.9}
      batch_size: 1
      iterations: 2
      worker_metrics: true
      lr: {schedule: constant, initial: 0.01}
      """;

  private static JavaSparkContext jsc;

  @BeforeAll
  static void spark() {
    jsc = JavaSparkContext.fromSparkContext(SparkSessions.get("local[2]").sparkContext());
  }

  /**
   * Over the registries: every attack (coordinate-wise, in passes of partial sums: min-max, min-sum, or trying the rule
   * chunk by chunk: optimal-alie, ...; but label-flip, which changes the workers' data, not the server's work) under median (dense) or majority-vote (sign), and every rule that runs chunk by chunk (coordinate-wise, or in passes
   * of partial sums) under a blind attack with random draws, an omniscient one and, for dense rules, one whose
   * messages are malformed (a second pass that knows it).
   */
  static Stream<Arguments> shardable() {
    java.util.Set<List<String>> out = new java.util.LinkedHashSet<>();
    for (String a : Attacks.names()) {
      Attack attack = Attacks.create(new RuleSpec(a, Map.of()));
      if (attack.flipsLabels()) {
        continue;
      }
      assertThat(attack.shardable()).as(a).isTrue();
      for (MessageKind kind : attack.kinds()) {
        out.add(List.of(kind == MessageKind.SIGN ? "majority-vote" : "median", a));
      }
    }
    for (String r : Rules.names()) {
      Aggregator rule = Rules.create(new RuleSpec(r, Map.of()));
      if (!rule.shardable()) {
        continue;
      }
      List<String> attacks = rule.kind() == MessageKind.SIGN ? List.of("gaussian", "zeroing")
          : List.of("gaussian", "alie", "nan");
      for (String a : attacks) {
        out.add(List.of(r, a));
      }
    }
    // the attacks over all coordinates before rules in passes: min-max's pass, then Krum's; a search that tries Krum
    // (a distance pass per try), one that tries nnm then Krum, and one that tries a rule with state per chunk
    out.add(List.of("krum", "min-max"));
    out.add(List.of("krum", "optimal-fall-of-empires"));
    out.add(List.of("nnm", "bulyan-targeted"));
    out.add(List.of("centered-clipping", "optimal-alie")); // tried from each chunk's centre
    return out.stream().map(p -> Arguments.of(p.get(0), p.get(1)));
  }

  @Test
  void theExactnessTestCoversEveryCoordinateWiseRuleAndSeveralChunks() {
    assertThat(shardable().map(a -> (String) a.get()[0]).distinct().sorted().toList())
        .containsExactlyInAnyOrder("bulyan", "geometric-median", "krum", "majority-vote", "meamed", "mean", "median",
            "multi-krum", "nnm", "phocas", "sign-fd", "sign-fv", "trimmed-mean", "centered-clipping", "mda", "monna",
            "smea", "caf", "cge", "clipping", "arc", "bucketing", "clustering",
            "clipped-clustering", "signguard", "dnc");
    assertThat(shardable().map(a -> (String) a.get()[1]).distinct().count())
        .isEqualTo(Attacks.names().stream().map(a -> Attacks.create(new RuleSpec(a, Map.of())))
            .filter(a -> a.shardable() && !a.flipsLabels()).count());
    assertThat(shardable().map(a -> (String) a.get()[1])).contains("min-max", "min-sum", "optimal-alie",
        "optimal-fall-of-empires", "bulyan-targeted");
    assertThat(Chunks.of(D, false).count()).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0} under {1}")
  @MethodSource("shardable")
  void shardedEqualsDriver(String rule, String attack) throws Exception {
    // an even Q gives the vote ties (drawn from the chunks' streams); Bulyan needs n >= 4f + 3
    boolean sign = Rules.create(new RuleSpec(rule, Map.of())).kind() == MessageKind.SIGN;
    String[] set = {"aggregator={name: " + rule + "}", "attack={name: " + attack + "}", "workers=" + (sign ? 6 : 11)};
    Rows driver = run(TestJobs.one(dir, JOB, with(set, "aggregation=driver")));
    Rows sharded = run(TestJobs.one(dir, JOB, with(set, "aggregation=sharded")));
    assertThat(driver.iterations).hasSize(2);
    assertThat(driver.workers).hasSizeGreaterThan(0);
    assertThat(sharded.iterations).isEqualTo(driver.iterations);
    assertThat(sharded.workers).isEqualTo(driver.workers);
  }

  /**
   * signguard on a fraction of the coordinates draws them on the driver between its passes (after bucketing's
   * permutation when bucketing wraps it), and a pre-aggregation step over centered clipping takes its passes before
   * the centre's, on each chunk's centre: sharded = driver.
   */
  @ParameterizedTest(name = "{0} under {1}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = ';', value = {"{name: signguard, fraction: 0.5}; gaussian",
      "{name: bucketing, then: {name: signguard, fraction: 0.1}}; alie", "{name: signguard, fraction: 0.3}; nan",
      "{name: nnm, then: centered-clipping}; alie", "{name: bucketing, then: centered-clipping}; gaussian",
      "{name: arc, then: {name: nnm, then: centered-clipping}}; nan",
      "{name: clipping, then: centered-clipping}; optimal-alie"})
  void rulesThatDrawOnTheDriverOrStepOverAStateShardedEqualsDriver(String rule, String attack) throws Exception {
    String[] set = {"aggregator=" + rule, "attack={name: " + attack + "}", "workers=11"};
    Rows driver = run(TestJobs.one(dir, JOB, with(set, "aggregation=driver")));
    Rows sharded = run(TestJobs.one(dir, JOB, with(set, "aggregation=sharded")));
    assertThat(driver.iterations).hasSize(2);
    assertThat(sharded.iterations).isEqualTo(driver.iterations);
    assertThat(sharded.workers).isEqualTo(driver.workers);
  }

  /** Momentum at the server: the driver applies it; the workers/ rows then take one more pass over the chunks. */
  @ParameterizedTest(name = "{0} with server momentum")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"majority-vote", "krum"})
  void serverMomentumShardedEqualsDriver(String rule) throws Exception {
    String[] set = {"aggregator={name: " + rule + "}", "attack={name: gaussian}", "workers=7",
        "momentum={beta: 0.9, at: server}"};
    Rows driver = run(TestJobs.one(dir, JOB, with(set, "aggregation=driver")));
    Rows sharded = run(TestJobs.one(dir, JOB, with(set, "aggregation=sharded")));
    assertThat(driver.workers).hasSize(2 * 7);
    assertThat(sharded.iterations).isEqualTo(driver.iterations);
    assertThat(sharded.workers).isEqualTo(driver.workers);
  }

  /**
   * Chunk states across local checkpoints (no checkpoint_dir): signSGD-FD through its three phases and centered
   * clipping, a cut every 2 iterations, sharded = driver.
   */
  @ParameterizedTest(name = "{0} across local checkpoints")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"{name: sign-fd, t_in: 2}", "{name: centered-clipping}",
      "{name: bucketing, then: centered-clipping}"})
  void chunkStatesAcrossLocalCheckpoints(String rule) throws Exception {
    boolean sign = rule.contains("sign-fd");
    String[] set = {"aggregator=" + rule, "attack={name: " + (sign ? "stochastic-sign-flip" : "alie") + "}",
        "workers=" + (sign ? 6 : 7), "iterations=6", "checkpoint_every=2"};
    Rows driver = run(TestJobs.one(dir, JOB, with(set, "aggregation=driver")));
    Rows sharded = run(TestJobs.one(dir, JOB, with(set, "aggregation=sharded")));
    assertThat(driver.iterations).hasSize(6);
    assertThat(sharded.iterations).isEqualTo(driver.iterations);
    assertThat(sharded.workers).isEqualTo(driver.workers);
  }

  /**
   * The cluster's path on local[2]: the chunks shuffled to the shards (as on a cluster master) rather than read in
   * place from the persisted states (a local master's default), for a dense rule with a second pass (malformed
   * messages), a rule in passes of partial sums and a chunk-stateful rule across local checkpoints, each with one
   * shard for the two chunks. Each run also counts the records its stages wrote to shuffle files and the stages
   * that read the chunks in place: in place, no message's chunk is shuffled; shuffled, every one is, and no stage
   * reads in place.
   */
  @ParameterizedTest(name = "{0} under {1}, shuffled and in place")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = ';', value = {"{name: median}; nan; 11",
      "{name: krum}; alie; 11", "{name: sign-fd, t_in: 2}; stochastic-sign-flip; 6"})
  void shuffledAndInPlaceShardsGiveTheDriversRows(String rule, String attack, int workers) throws Exception {
    String[] set = {"aggregator=" + rule, "attack={name: " + attack + "}", "workers=" + workers, "iterations=4",
        "checkpoint_every=2", "aggregation_shards=1"};
    Rows driver = run(TestJobs.one(dir, JOB, with(set, "aggregation=driver")));
    long[] records = new long[1];
    long[] inPlaceStages = new long[1];
    org.apache.spark.scheduler.SparkListener counter = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onStageCompleted(org.apache.spark.scheduler.SparkListenerStageCompleted done) {
        synchronized (records) {
          records[0] += done.stageInfo().taskMetrics().shuffleWriteMetrics().recordsWritten();
          if (scala.collection.JavaConverters.seqAsJavaList(done.stageInfo().rddInfos()).stream()
              .anyMatch(r -> r.name().equals(InPlaceChunks.class.getSimpleName()))) {
            inPlaceStages[0]++;
          }
        }
      }
    };
    jsc.sc().listenerBus().waitUntilEmpty(); // no stage of an earlier run is counted
    jsc.sc().addSparkListener(counter);
    try {
      Rows inPlace = run(TestJobs.one(dir, JOB, with(set, "aggregation=sharded")));
      jsc.sc().listenerBus().waitUntilEmpty();
      long[] inPlaceCounts;
      synchronized (records) {
        inPlaceCounts = new long[] {records[0], inPlaceStages[0]};
        records[0] = 0;
        inPlaceStages[0] = 0;
      }
      jsc.setLocalProperty(ShardedChunks.SHUFFLE_PROPERTY, "true");
      Rows shuffledRows;
      try {
        shuffledRows = run(TestJobs.one(dir, JOB, with(set, "aggregation=sharded")));
      } finally {
        jsc.setLocalProperty(ShardedChunks.SHUFFLE_PROPERTY, null);
      }
      jsc.sc().listenerBus().waitUntilEmpty();
      // in place no message's chunk is shuffled (sign-fd's empty first states, one per chunk, are)
      assertThat(inPlaceCounts[0]).as("records shuffled in place").isLessThanOrEqualTo(2);
      assertThat(inPlaceCounts[1]).as("stages reading the chunks in place").isGreaterThanOrEqualTo(4);
      // shuffled, at least every message's two chunks in each of the 4 iterations
      assertThat(records[0]).as("records shuffled").isGreaterThanOrEqualTo(4L * workers * 2);
      assertThat(inPlaceStages[0]).as("stages reading the chunks in place while shuffling").isZero();
      assertThat(driver.iterations).hasSize(4);
      assertThat(inPlace.iterations).isEqualTo(driver.iterations);
      assertThat(inPlace.workers).isEqualTo(driver.workers);
      assertThat(shuffledRows.iterations).isEqualTo(driver.iterations);
      assertThat(shuffledRows.workers).isEqualTo(driver.workers);
    } finally {
      jsc.sc().removeSparkListener(counter);
    }
  }

  @Test
  void theInProcessEngineIsRefusedShardedInOneLine() {
    assertThatThrownBy(() -> TestJobs.one(dir, JOB, "engine=inprocess", "aggregation=sharded"))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("use engine: spark");
  }

  @Test
  void whereTheServerRunsDoesNotChangeTheRunId() throws Exception {
    JobSpec driver = TestJobs.one(dir, JOB, "aggregation=driver");
    JobSpec sharded = TestJobs.one(dir, JOB, "aggregation=sharded", "aggregation_shards=3");
    assertThat(sharded.runId()).isEqualTo(driver.runId());
    assertThat(sharded.aggregationShards()).isEqualTo(3);
    assertThat(sharded.json()).contains("\"aggregation\":\"sharded\"");
  }

  private static String[] with(String[] set, String extra) {
    String[] out = java.util.Arrays.copyOf(set, set.length + 1);
    out[set.length] = extra;
    return out;
  }

  private record Rows(List<IterationRow> iterations, List<WorkerRow> workers) {}

  private static Rows run(JobSpec spec) {
    List<IterationRow> rows = new ArrayList<>();
    List<WorkerRow> workers = new ArrayList<>();
    RunLifecycle.Ended ended = RunLifecycle.run(new SparkEngine(jsc), new Driver(spec).onWorkerRows(workers::add),
        rows::add);
    if (ended.error() != null) {
      throw ended.error();
    }
    return new Rows(TestJobs.timeless(rows), workers);
  }
}
