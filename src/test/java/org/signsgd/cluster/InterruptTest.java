package org.signsgd.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.job.JobFile;
import org.signsgd.job.JobSpec;
import org.signsgd.train.InProcessEngine;
import org.signsgd.train.IterationRow;
import org.signsgd.train.SparkSessions;
import org.signsgd.train.TestJobs;

/**
 * A run stopped from outside, then resumed in another process: SIGKILL in the middle of a flush loses the
 * unflushed rows but never writes a partial one; SIGINT (Ctrl-C) ends it {@code interrupted} at an iteration
 * boundary with its rows written, its record and a resume point there, exit code 130 and no stack trace. Each
 * {@code --resume} continues from the last point, and the run ends with every iteration exactly once, equal to
 * the uninterrupted run.
 */
class InterruptTest {
  @TempDir
  Path dir;

  private static final String JOB = """
      name: stopped
      seed: 11
      model: {name: quadratic, dim: 400, noise_std: 1.0, x0: 1.0}
      workers: 6
      byzantine: 1
      attack: {name: blind-flip}
      batch_size: 1
      iterations: %d
      flush_every: %d
      checkpoint_every: %d
      checkpoint_dir: '%s'
      lr: {schedule: inverse-sqrt, initial: 0.5}
      engine: spark
      """;

  /**
   * One run stopped twice: SIGKILL lands in a flush (a flush every other iteration: most of the run's time is in
   * Delta commits); --resume continues it and is stopped by SIGINT; a second --resume completes it.
   */
  @Test
  void aRunKilledInAFlushThenInterruptedResumesToTheWholeRun() throws Exception {
    Path job = Files.writeString(dir.resolve("job.yaml"), JOB.formatted(60, 2, 10, dir.resolve("ckpt").toUri()));
    JobSpec spec = JobFile.load(job, List.of()).get(0);
    Path out = dir.resolve("out");
    TrainProcess run = new TrainProcess(job, out, dir);
    awaitResumePoint(run, spec, 10);
    run.signal("KILL");
    run.exitCode();
    assertThat(out.resolve("runs")).doesNotExist();
    long killedAt = latest(spec);

    TrainProcess resumed = new TrainProcess(job, out, dir, "--resume", spec.runId());
    awaitResumePoint(resumed, spec, killedAt + 10);
    resumed.signal("INT");
    assertThat(resumed.exitCode()).as(resumed.output()).isEqualTo(130);
    String log = resumed.output();
    assertThat(log).contains("resuming " + spec.runId() + " at iteration " + killedAt + " (" + killedAt
        + " rows kept)", "interrupted (SIGINT): run " + spec.runId() + " stopped; its rows are in "
        + out.toAbsolutePath() + ". Continue it with --resume " + spec.runId()).doesNotContain("\tat ", "Exception");
    long at = latest(spec);
    assertThat(records(out)).containsExactly("interrupted");
    // the rows end where the resume point stands: the interrupted iteration's boundary
    assertThat(iterations(out, spec)).containsExactlyElementsOf(LongStream.range(0, at).boxed().toList());

    TrainProcess last = new TrainProcess(job, out, dir, "--resume", spec.runId());
    assertThat(last.exitCode()).as(last.output()).isZero();
    assertThat(last.output()).contains("resuming " + spec.runId() + " at iteration " + at + " (" + at
        + " rows kept)");
    assertWhole(out, spec, 60);
    assertThat(records(out)).containsExactly("resumed");
  }

  private void awaitResumePoint(TrainProcess run, JobSpec spec, long atLeast) throws Exception {
    long end = System.nanoTime() + 300_000_000_000L;
    while (latest(spec) < atLeast) {
      assertThat(run.alive()).as("the run ended before it could be stopped: " + run.output()).isTrue();
      assertThat(System.nanoTime()).isLessThan(end);
      Thread.sleep(20);
    }
  }

  private long latest(JobSpec spec) throws Exception {
    Path latest = dir.resolve("ckpt").resolve(spec.runId()).resolve("LATEST");
    return Files.exists(latest) ? Long.parseLong(Files.readString(latest).trim()) : -1;
  }

  private static void assertWhole(Path out, JobSpec spec, int iterations) {
    List<Row> rows = SparkSessions.get("local[2]").read().format("delta").load(out.resolve("iterations")
        .toString()).select("iteration", "train_loss").orderBy("iteration").collectAsList();
    assertThat(rows).extracting(r -> r.getLong(0))
        .containsExactlyElementsOf(LongStream.range(0, iterations).boxed().toList());
    assertThat(rows).extracting(r -> r.getDouble(1)).containsExactlyElementsOf(
        TestJobs.run(new InProcessEngine(), spec).stream().map(IterationRow::trainLoss).toList());
  }

  private static List<Long> iterations(Path out, JobSpec spec) {
    return SparkSessions.get("local[2]").read().format("delta").load(out.resolve("iterations").toString())
        .where("run_id = '" + spec.runId() + "'").select("iteration").orderBy("iteration").collectAsList()
        .stream().map(r -> r.getLong(0)).toList();
  }

  private static List<String> records(Path out) {
    return SparkSessions.get("local[2]").read().format("delta").load(out.resolve("runs").toString())
        .select("status").collectAsList().stream().map(r -> r.getString(0)).toList();
  }
}
