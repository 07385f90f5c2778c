package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.job.JobSpec;

/**
 * A sharded signSGD-FD run stopped in the middle and resumed from its resume point gives the uninterrupted run's rows,
 * which are the rows of the same run on the driver: the workers' states, the driver's x and the rule's Σ A, C and r
 * come back from the checkpoint, and each chunk's agreement counts from the shards' own files.
 */
class ShardedResumeTest {
  @TempDir
  Path dir;

  private static final String JOB = """
      name: sharded-resume
      seed: 8
      model: {name: quadratic, dim: 140000, noise_std: 1.0, x0: normal}
      workers: 6
      byzantine: 2
      attack: {name: stochastic-sign-flip, r: 0.3}
      aggregator: {name: sign-fd, t_in: 3}
      momentum: {beta: 0.9}
      batch_size: 1
      iterations: 8
      checkpoint_every: 2
      worker_metrics: true
      aggregation: sharded
      aggregation_shards: 2
      lr: {schedule: constant, initial: 0.01}
      """;

  @AfterEach
  void clear() {
    Interrupts.clear();
  }

  @Test
  void aStoppedShardedRunResumesToTheUninterruptedRows() throws Exception {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkSessions.get("local[2]").sparkContext());
    JobSpec spec = TestJobs.one(dir, JOB, "checkpoint_dir=" + dir.resolve("whole").toUri());
    List<IterationRow> whole = TestJobs.timeless(TestJobs.run(new SparkEngine(jsc), spec));
    assertThat(whole).hasSize(8);
    JobSpec onTheDriver = TestJobs.one(dir, JOB, "aggregation=driver");
    assertThat(TestJobs.timeless(TestJobs.run(new SparkEngine(jsc), onTheDriver))).isEqualTo(whole);

    JobSpec stopped = TestJobs.one(dir, JOB, "checkpoint_dir=" + dir.resolve("stopped").toUri());
    List<IterationRow> first = new ArrayList<>();
    RunStatus status = new SparkEngine(jsc).run(new Driver(stopped), row -> {
      first.add(TestJobs.timeless(row));
      if (row.iteration() == 4) {
        Interrupts.request(); // seen before iteration 5: a resume point at 5, then the stop
      }
    });
    Interrupts.clear();
    assertThat(status).isEqualTo(RunStatus.INTERRUPTED);
    assertThat(first).hasSize(5).isEqualTo(whole.subList(0, 5));

    // the counts of that point are in the shards' files: the driver cannot continue from it
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SparkEngine(jsc).run(
        new Driver(TestJobs.one(dir, JOB, "checkpoint_dir=" + dir.resolve("stopped").toUri(), "aggregation=driver"))
            .resumeAt(5), r -> { }))
        .hasMessageContaining("keeps sign-fd's counts in the shards; resume with aggregation: sharded");

    List<IterationRow> rest = new ArrayList<>();
    assertThat(new SparkEngine(jsc).run(new Driver(stopped).resumeAt(5), r -> rest.add(TestJobs.timeless(r))))
        .isEqualTo(RunStatus.COMPLETED);
    assertThat(rest).hasSize(3).isEqualTo(whole.subList(5, 8));
  }

  /**
   * {@code aggregation: auto} resumes a run where its resume point keeps the rule's counts, whatever auto would
   * choose for a new run (here the driver, below 2^20 coordinates): a run started sharded goes on sharded.
   */
  @Test
  void autoResumesWhereThePointKeepsTheCounts() throws Exception {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkSessions.get("local[2]").sparkContext());
    JobSpec whole = TestJobs.one(dir, JOB, "aggregation=driver", "iterations=4");
    List<IterationRow> expected = TestJobs.timeless(TestJobs.run(new SparkEngine(jsc), whole));
    JobSpec stopped = TestJobs.one(dir, JOB, "iterations=4", "checkpoint_dir=" + dir.resolve("auto").toUri());
    RunStatus status = new SparkEngine(jsc).run(new Driver(stopped), row -> {
      if (row.iteration() == 1) {
        Interrupts.request(); // a resume point at 2, its counts in the shards' files
      }
    });
    Interrupts.clear();
    assertThat(status).isEqualTo(RunStatus.INTERRUPTED);
    JobSpec auto = TestJobs.one(dir, JOB, "iterations=4", "checkpoint_dir=" + dir.resolve("auto").toUri(),
        "aggregation=auto");
    assertThat(new SparkEngine(jsc).sharded(new Driver(auto))).as("auto's choice for a new run").isFalse();
    List<IterationRow> rest = new ArrayList<>();
    assertThat(new SparkEngine(jsc).run(new Driver(auto).resumeAt(2), r -> rest.add(TestJobs.timeless(r))))
        .isEqualTo(RunStatus.COMPLETED);
    assertThat(rest).hasSize(2).isEqualTo(expected.subList(2, 4));
  }
}
