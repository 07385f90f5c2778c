package org.signsgd.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
 * Two {@code train} processes write into one {@code --out} at the same time, one run on the Spark engine and one
 * in-process, both flushing every few iterations: both complete, and each run has every iteration exactly once,
 * equal to the same run alone, and one {@code completed} record.
 */
class ConcurrentRunsTest {
  @TempDir
  Path dir;

  private static final String JOB = """
      name: %s
      seed: %d
      model: {name: quadratic, dim: 300, noise_std: 1.0, x0: 1.0}
      workers: 6
      byzantine: 1
      attack: {name: byzantine-vote}
      batch_size: 2
      iterations: 40
      flush_every: %d
      lr: {schedule: inverse-sqrt, initial: 0.5}
      engine: %s
      """;

  @Test
  void twoProcessesIntoOneDirectoryBothWriteEveryRow() throws Exception {
    Path a = Files.writeString(dir.resolve("a.yaml"), JOB.formatted("on-spark", 7, 5, "spark"));
    Path b = Files.writeString(dir.resolve("b.yaml"), JOB.formatted("in-process", 8, 4, "inprocess"));
    Path out = dir.resolve("shared");
    TrainProcess first = new TrainProcess(a, out, dir);
    TrainProcess second = new TrainProcess(b, out, dir);
    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(second.exitCode()).as(second.output()).isZero();

    for (Path job : List.of(a, b)) {
      JobSpec spec = JobFile.load(job, List.of()).get(0);
      List<Row> rows = SparkSessions.get("local[2]").read().format("delta").load(out.resolve("iterations")
          .toString()).where("run_id = '" + spec.runId() + "'").select("iteration", "train_loss")
          .orderBy("iteration").collectAsList();
      assertThat(rows).extracting(r -> r.getLong(0)).as(spec.runId())
          .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 40).boxed().toList());
      assertThat(rows).extracting(r -> r.getDouble(1)).as(spec.runId()).containsExactlyElementsOf(
          TestJobs.run(new InProcessEngine(), spec).stream().map(IterationRow::trainLoss).toList());
    }
    List<Row> records = SparkSessions.get("local[2]").read().format("delta").load(out.resolve("runs").toString())
        .select("name", "status").orderBy("name").collectAsList();
    assertThat(records).extracting(r -> r.getString(0) + " " + r.getString(1))
        .containsExactly("in-process completed", "on-spark completed");
  }
}
