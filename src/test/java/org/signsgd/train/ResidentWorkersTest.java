package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.job.JobSpec;

/**
 * Workers resident in their tasks (one job per stretch between checkpoints, the messages over sockets) give the rows
 * of one job per iteration: with worker momentum, whose state must cross every stretch's end; with a dense rule;
 * with a network whose reference iterations run as per-iteration jobs; and a run stopped in a stretch resumes to the
 * uninterrupted rows. auto keeps them resident on a local master: one job per stretch, not one per iteration; and
 * when their tasks cannot all start, it goes on with one job per iteration.
 */
class ResidentWorkersTest {
  @TempDir
  Path dir;

  private static final String JOB = """
      name: resident
      seed: 11
      model: {name: quadratic, dim: 300, noise_std: 1.0, x0: normal}
      workers: 7
      byzantine: 2
      attack: {name: byzantine-vote}
      aggregator: {name: majority-vote, tie: random}
      momentum: {beta: 0.9}
      weight_decay: 0.01
      batch_size: t
      iterations: 25
      checkpoint_every: 10
      check_every: 5
      lr: {schedule: inverse-sqrt, initial: 0.5}
      """;

  private static final String NETWORK = """
      name: resident-net
      seed: 2
      model: {name: linreg-net}
      data: {name: synthetic}
      workers: 5
      byzantine: 1
      attack: {name: alie, factor: 1.5}
      aggregator: {name: median}
      momentum: {beta: 0.9, at: worker}
      batch_size: 16
      iterations: 9
      checkpoint_every: 4
      lr: {schedule: constant, initial: 0.05}
      reference_every: 3
      """;

  private static JavaSparkContext jsc() {
    return JavaSparkContext.fromSparkContext(SparkSessions.get("local[2]").sparkContext());
  }

  @AfterEach
  void clear() {
    Interrupts.clear();
  }

  @Test
  void residentWorkersGiveThePerIterationJobsRows() throws Exception {
    for (String[] variant : new String[][] {{JOB}, {JOB, "aggregator={name: mean}", "attack={name: reversed-sum}"},
        {NETWORK}}) {
      String yaml = variant[0];
      List<String> overrides = new ArrayList<>(List.of(variant).subList(1, variant.length));
      JobSpec perIteration = TestJobs.one(dir, yaml, Stream.concat(overrides.stream(),
          Stream.of("resident_workers=false")).toArray(String[]::new));
      overrides.add("resident_workers=true");
      JobSpec resident = TestJobs.one(dir, yaml, overrides.toArray(String[]::new));
      assertThat(resident.residentWorkers()).isEqualTo("true");
      assertThat(resident.runId()).as("the same run").isEqualTo(perIteration.runId());
      List<IterationRow> want = TestJobs.timeless(TestJobs.run(new SparkEngine(jsc()), perIteration));
      assertThat(want).hasSize(perIteration.iterations());
      assertThat(TestJobs.timeless(TestJobs.run(new SparkEngine(jsc()), resident))).as(overrides.toString())
          .isEqualTo(want);
    }
  }

  @Test
  void aResidentRunStoppedInAStretchResumesToTheUninterruptedRows() throws Exception {
    JobSpec spec = TestJobs.one(dir, JOB, "resident_workers=true", "checkpoint_dir=" + dir.resolve("r").toUri());
    List<IterationRow> whole = TestJobs.timeless(TestJobs.run(new SparkEngine(jsc()), TestJobs.one(dir, JOB,
        "resident_workers=false")));
    List<IterationRow> first = new ArrayList<>();
    RunStatus status = new SparkEngine(jsc()).run(new Driver(spec), row -> {
      first.add(TestJobs.timeless(row));
      if (row.iteration() == 13) {
        Interrupts.request(); // seen before iteration 14, three iterations into the stretch that began at 10
      }
    });
    Interrupts.clear();
    assertThat(status).isEqualTo(RunStatus.INTERRUPTED);
    assertThat(first).hasSize(14).isEqualTo(whole.subList(0, 14));
    List<IterationRow> rest = new ArrayList<>();
    assertThat(new SparkEngine(jsc()).run(new Driver(spec).resumeAt(14), r -> rest.add(TestJobs.timeless(r))))
        .isEqualTo(RunStatus.COMPLETED);
    assertThat(rest).hasSize(11).isEqualTo(whole.subList(14, 25));
  }

  @Test
  void autoKeepsTheWorkersResidentOnALocalMasterOneJobPerStretch() throws Exception {
    Jobs auto = jobs(TestJobs.one(dir, JOB));
    Jobs perIteration = jobs(TestJobs.one(dir, JOB, "resident_workers=false"));
    // 25 iterations cut every 10: the stretches [0, 10), [10, 20) and [20, 25), each one job (more if one yields)
    assertThat(auto.stretches()).as("resident stretches").isGreaterThanOrEqualTo(3);
    assertThat(auto.stretches() + auto.others()).as("every job of the resident run").isLessThan(25);
    assertThat(perIteration.stretches()).as("no stretch with resident_workers: false").isZero();
    assertThat(perIteration.others()).as("a job per iteration at least").isGreaterThanOrEqualTo(25);
  }

  /** Holds a core of local[2] until counted down ({@link #autoFallsBackToOneJobPerIterationWhenACoreIsBusy}). */
  private static java.util.concurrent.CountDownLatch busy;
  private static java.util.concurrent.CountDownLatch holding;

  /**
   * auto with a core taken by another job: the stretch's second task cannot start, so after the (shortened) wait the
   * run says so on stderr in one line and goes on with one job per iteration, to the rows of resident_workers: false;
   * it does not start another stretch.
   */
  @Test
  void autoFallsBackToOneJobPerIterationWhenACoreIsBusy() throws Exception {
    JobSpec auto = TestJobs.one(dir, JOB);
    List<IterationRow> want = TestJobs.timeless(TestJobs.run(new SparkEngine(jsc()), TestJobs.one(dir, JOB,
        "resident_workers=false")));
    JavaSparkContext jsc = jsc();
    busy = new java.util.concurrent.CountDownLatch(1);
    holding = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CompletableFuture<Void> other = java.util.concurrent.CompletableFuture.runAsync(
        () -> jsc.parallelize(List.of(1), 1).foreach(i -> {
          holding.countDown();
          busy.await(5, java.util.concurrent.TimeUnit.MINUTES);
        }));
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
    try {
      assertThat(holding.await(60, java.util.concurrent.TimeUnit.SECONDS)).as("the other job holds a core").isTrue();
      jsc.setLocalProperty(ResidentWorkers.AUTO_TIMEOUT_PROPERTY, "1500");
      System.setErr(new java.io.PrintStream(said, true, java.nio.charset.StandardCharsets.UTF_8));
      Jobs jobs = jobs(auto);
      System.setErr(err);
      assertThat(jobs.stretches()).as("the one stretch that could not start").isEqualTo(1);
      assertThat(jobs.others()).as("then a job per iteration").isGreaterThanOrEqualTo(auto.iterations());
      assertThat(jobs.rows()).isEqualTo(want);
      // how many of its tasks connected before the wait ended depends on the machine: 1, or 0 on a slow one
      assertThat(said.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("resident_workers: auto: the "
          + "worker tasks could not all start at once, or could not reach the driver; the run goes on with one Spark "
          + "job per iteration (").contains(" of 2 worker tasks connected to the driver within 1 s;");
    } finally {
      System.setErr(err);
      jsc.setLocalProperty(ResidentWorkers.AUTO_TIMEOUT_PROPERTY, null);
      busy.countDown();
      other.get(60, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** The jobs a run started (resident stretches, the others) and its rows, without their times. */
  private record Jobs(int stretches, int others, List<IterationRow> rows) {}

  /** The jobs and rows of a run of {@code spec} on local[2]. */
  private static Jobs jobs(JobSpec spec) throws Exception {
    java.util.concurrent.atomic.AtomicInteger stretches = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger others = new java.util.concurrent.atomic.AtomicInteger();
    org.apache.spark.scheduler.SparkListener count = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
        String group = start.properties() == null ? null : start.properties().getProperty("spark.jobGroup.id");
        (group != null && group.startsWith("resident-workers-") ? stretches : others).incrementAndGet();
      }
    };
    JavaSparkContext jsc = jsc();
    jsc.sc().listenerBus().waitUntilEmpty(10_000);
    jsc.sc().addSparkListener(count);
    List<IterationRow> rows;
    try {
      rows = TestJobs.timeless(TestJobs.run(new SparkEngine(jsc), spec));
      assertThat(rows).hasSize(spec.iterations());
      jsc.sc().listenerBus().waitUntilEmpty(10_000);
    } finally {
      jsc.sc().removeSparkListener(count);
    }
    return new Jobs(stretches.get(), others.get(), rows);
  }

  @Test
  void autoIsResidentOnlyOnALocalMasterWithTheServerOnTheDriverACorePerPartitionAndSmallStates() {
    assertThat(SparkRun.autoResident(true, false, 2, 2, 27, 1000)).isTrue();
    assertThat(SparkRun.autoResident(false, false, 2, 2, 27, 1000)).as("a cluster").isFalse();
    assertThat(SparkRun.autoResident(true, true, 2, 2, 27, 1000)).as("sharded").isFalse();
    assertThat(SparkRun.autoResident(true, false, 3, 2, 27, 1000)).as("more partitions than cores").isFalse();
    assertThat(SparkRun.autoResident(true, false, 2, 2, 2, (1 << 20) + 1)).as("d above 2^20").isFalse();
    // 2 × Q × d floats reach the driver at a stretch's end: 2 × 32 × 2^20 = 2^26 is the most
    assertThat(SparkRun.autoResident(true, false, 2, 2, 32, 1 << 20)).isTrue();
    assertThat(SparkRun.autoResident(true, false, 2, 2, 33, 1 << 20)).as("states above 2^26 floats").isFalse();
  }

  @Test
  void moreTasksThanCoresOrTheInProcessEngineAreOneLineErrors() throws Exception {
    JobSpec spread = TestJobs.one(dir, JOB, "resident_workers=true", "workers_per_partition=1");
    assertThatThrownBy(() -> TestJobs.run(new SparkEngine(jsc()), spread))
        .hasMessage("resident_workers: true runs every partition's task at once, but the run has 7 partitions and 2 "
            + "cores; set workers_per_partition to 4 or more, or resident_workers: false");
    JobSpec big = TestJobs.one(dir, JOB, "resident_workers=true", "workers=33", "workers_per_partition=17",
        "model={name: quadratic, dim: 1048576, noise_std: 1.0}");
    assertThatThrownBy(() -> TestJobs.run(new SparkEngine(jsc()), big))
        .hasMessage("resident_workers: true brings every worker's x and momentum to the driver at each checkpoint; "
            + "2 × 33 workers × d (1048576) = 69206016 floats, above the limit of 67108864 (2^26, 256 MB); set "
            + "resident_workers: false");
    assertThatThrownBy(() -> TestJobs.one(dir, JOB, "resident_workers=true", "engine=inprocess"))
        .hasMessageContaining("resident_workers: is true with engine inprocess; resident workers are Spark tasks: "
            + "use engine: spark, or resident_workers: auto");
  }
}
