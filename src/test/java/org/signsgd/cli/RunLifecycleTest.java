package org.signsgd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.job.JobFile;
import org.signsgd.job.JobSpec;
import org.signsgd.metrics.IterationSchema;
import org.signsgd.metrics.MetricsTables;
import org.signsgd.metrics.OutputDir;
import org.signsgd.metrics.Table;
import org.signsgd.metrics.WorkerSchema;
import org.signsgd.train.Driver;
import org.signsgd.train.InProcessEngine;
import org.signsgd.train.IterationRow;
import org.signsgd.train.SparkSessions;
import org.signsgd.train.WorkerRow;

/**
 * One run lifecycle for {@code train}: a finished run is skipped when the job runs again into the same
 * directory, {@code --force} replaces its rows and its record, the leftovers of a crashed attempt are replaced by
 * a run from iteration 0, and {@code --resume} refuses a directory that does not hold the run and a run that
 * already finished. Every case ends with each iteration exactly once and one record per run. No run here draws
 * the report ({@code --no-report}: most of a small train's time); CommandLineTest and SweepCommandTest check it.
 */
class RunLifecycleTest {
  @TempDir
  Path dir;

  private static final String JOB = """
      name: life
      seed: 2
      model: {name: quadratic, dim: 50, noise_std: 1.0, x0: 1.0}
      workers: 5
      byzantine: 1
      attack: {name: blind-flip}
      batch_size: 1
      iterations: 12
      flush_every: 5
      lr: {schedule: inverse-sqrt, initial: 0.5}
      engine: inprocess
      """;

  private Path job() throws Exception {
    Path job = dir.resolve("life.yaml");
    Files.writeString(job, JOB);
    return job;
  }

  private static SparkSession spark() {
    return SparkSessions.get("local[2]");
  }

  /** (iteration, train_loss) of every iteration row of the run, in order. */
  private static List<Row> rows(Path out, String runId) {
    return spark().read().format("delta").load(out.resolve("iterations").toString())
        .where("run_id = '" + runId + "'").select("iteration", "train_loss").orderBy("iteration")
        .collectAsList();
  }

  private static List<Row> records(Path out) {
    return spark().read().format("delta").load(out.resolve("runs").toString())
        .select("run_id", "status", "start_time").collectAsList();
  }

  @Test
  void aFinishedRunIsSkippedAndForceReplacesIt() throws Exception {
    Path job = job();
    Path out = dir.resolve("out");
    String runId = JobFile.load(job, List.of()).get(0).runId();
    Cli.Result first = Cli.run("train", job.toString(), "--out", out.toString(), "--master", "local[2]",
        "--no-report");
    assertThat(first.code()).as(first.err()).isZero();
    List<Row> once = rows(out, runId);
    assertThat(once).hasSize(12);
    String started = records(out).get(0).getString(2);

    Cli.Result again = Cli.run("train", job.toString(), "--out", out.toString(), "--master", "local[2]",
        "--no-report");
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.err()).contains("run " + runId + " already completed in " + out.toAbsolutePath()
        + " (12 iterations): skipped; --force runs it again");
    assertThat(rows(out, runId)).isEqualTo(once);
    assertThat(records(out)).hasSize(1);

    Cli.Result forced = Cli.run("train", job.toString(), "--out", out.toString(), "--master", "local[2]",
        "--force", "--no-report");
    assertThat(forced.code()).as(forced.err()).isZero();
    assertThat(forced.err()).contains("run " + runId + ": --force: its completed rows and record in ");
    assertThat(rows(out, runId)).isEqualTo(once); // the same seed gives the same rows
    List<Row> records = records(out);
    assertThat(records).hasSize(1);
    assertThat(records.get(0).getString(1)).isEqualTo("completed");
    assertThat(records.get(0).getString(2)).isNotEqualTo(started);
  }

  /**
   * A run killed before it ended starts over, every iteration and every worker row once, not twice: after its
   * second flush (10 iteration rows, their worker rows, no runs/ record), or between the two transactions of
   * its first flush (worker rows only).
   */
  @Test
  void theLeftoversOfAKilledRunAreReplacedByARunFromTheStart() throws Exception {
    Path job = dir.resolve("workers.yaml");
    Files.writeString(job, JOB + "worker_metrics: true\n");
    JobSpec spec = JobFile.load(job, List.of()).get(0);
    Driver driver = new Driver(spec);
    List<WorkerRow> workerRows = new java.util.ArrayList<>();
    driver.onWorkerRows(workerRows::add);
    List<IterationRow> whole = new java.util.ArrayList<>();
    new InProcessEngine().run(driver, whole::add);
    assertThat(whole).hasSize(12);
    assertThat(workerRows).hasSize(60);
    for (boolean firstTransactionOnly : new boolean[] {false, true}) {
      Path out = dir.resolve(firstTransactionOnly ? "between" : "killed");
      MetricsTables tables = new MetricsTables(spark(), OutputDir.of(out.toString(),
          spark().sparkContext().hadoopConfiguration()));
      tables.append(Table.WORKERS, workerRows.subList(0, 25).stream().map(WorkerSchema::toRow).toList());
      if (!firstTransactionOnly) {
        tables.append(Table.ITERATIONS, whole.subList(0, 10).stream().map(IterationSchema::toRow).toList());
      }
      Cli.Result rerun = Cli.run("train", job.toString(), "--out", out.toString(), "--master", "local[2]",
          "--no-report");
      assertThat(rerun.code()).as(rerun.err()).isZero();
      assertThat(rerun.err()).contains("run " + spec.runId() + ": its earlier attempt in " + out.toAbsolutePath()
          + " ended without a record after " + (firstTransactionOnly ? 0 : 10) + " iterations; it starts again "
          + "from iteration 0");
      assertWhole(out, spec, whole);
      List<Row> workers = spark().read().format("delta").load(out.resolve("workers").toString())
          .groupBy("iteration", "worker").count().collectAsList();
      assertThat(workers).hasSize(60).allSatisfy(r -> assertThat(r.getLong(2)).isEqualTo(1));
    }
  }

  private static void assertWhole(Path out, JobSpec spec, List<IterationRow> whole) {
    List<Row> rows = rows(out, spec.runId());
    assertThat(rows).extracting(r -> r.getLong(0)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L,
        11L);
    assertThat(rows).extracting(r -> r.getDouble(1))
        .containsExactlyElementsOf(whole.stream().map(IterationRow::trainLoss).toList());
    assertThat(records(out)).extracting(r -> r.getString(1)).containsExactly("completed");
  }

  @Test
  void resumeRefusesADirectoryWithoutTheRunAndAFinishedRun() throws Exception {
    Path job = dir.resolve("resumable.yaml");
    Files.writeString(job, JOB.replace("engine: inprocess", "engine: spark\ncheckpoint_every: 4\n"
        + "checkpoint_dir: '" + dir.resolve("ckpt").toUri() + "'"));
    String runId = JobFile.load(job, List.of()).get(0).runId();
    Path out = dir.resolve("resumable");
    Cli.Result empty = Cli.run("train", job.toString(), "--out", dir.resolve("empty").toString(), "--master",
        "local[2]", "--resume", runId);
    assertThat(empty.code()).isEqualTo(2);
    assertThat(empty.err().strip()).isEqualTo("error: life: --resume: run " + runId + " has no rows in "
        + dir.resolve("empty").toAbsolutePath() + "; a run resumes into the directory that holds its rows: give "
        + "the --out it ran with");

    Cli.Result whole = Cli.run("train", job.toString(), "--out", out.toString(), "--master", "local[2]",
        "--no-report");
    assertThat(whole.code()).as(whole.err()).isZero();
    Cli.Result done = Cli.run("train", job.toString(), "--out", out.toString(), "--master", "local[2]",
        "--resume", runId);
    assertThat(done.code()).isEqualTo(2);
    assertThat(done.err().strip()).isEqualTo("error: life: --resume: run " + runId + " already completed in "
        + out.toAbsolutePath() + "; nothing to resume (--force runs it again from the start)");
    assertThat(rows(out, runId)).hasSize(12);
    assertThat(records(out)).hasSize(1);
  }
}
