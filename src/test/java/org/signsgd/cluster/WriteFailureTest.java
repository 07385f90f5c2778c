package org.signsgd.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.train.SparkSessions;

/**
 * The output breaks in the middle of a run (its iterations/ table is replaced by something that is not a
 * table after the first flush): the command says so in one line and exits 1, with none of Spark's own task and
 * write errors printed, and the run's record says {@code failed} and why.
 */
class WriteFailureTest {
  @TempDir
  Path dir;

  @Test
  void aWriteThatFailsMidRunIsOneLineAndAFailedRecord() throws Exception {
    Path job = Files.writeString(dir.resolve("job.yaml"), """
        name: broken
        seed: 1
        model: {name: quadratic, dim: 2000, noise_std: 1.0, x0: 1.0}
        workers: 9
        byzantine: 0
        batch_size: 4
        iterations: 3000
        flush_every: 10
        lr: {schedule: inverse-sqrt, initial: 0.5}
        engine: inprocess
        """);
    Path out = dir.resolve("out");
    TrainProcess run = new TrainProcess(job, out, dir);
    Path log = out.resolve("iterations").resolve("_delta_log");
    long end = System.nanoTime() + 300_000_000_000L;
    while (!Files.exists(log.resolve("00000000000000000000.json"))) {
      assertThat(run.alive()).as(run.output()).isTrue();
      assertThat(System.nanoTime()).isLessThan(end);
      Thread.sleep(20);
    }
    // the run's next flush may create the directory again between the two steps: until the file stands
    while (!Files.isRegularFile(log)) {
      try (Stream<Path> files = Files.walk(log)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (java.io.IOException | java.io.UncheckedIOException gone) {
        // deleted meanwhile
      }
      try {
        Files.writeString(log, "not a transaction log", java.nio.file.StandardOpenOption.CREATE_NEW);
      } catch (java.io.IOException again) {
        // recreated meanwhile: once more
      }
    }

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    List<String> lines = run.output().lines().filter(l -> !l.contains("iteration ")).toList();
    assertThat(lines).as(run.output()).hasSize(1);
    assertThat(lines.get(0)).startsWith("run failed: ").endsWith("(set SIGNSGD_DEBUG=1 for the stack trace)");
    List<Row> record = SparkSessions.get("local[2]").read().format("delta").load(out.resolve("runs").toString())
        .select("status", "error").collectAsList();
    assertThat(record).hasSize(1);
    assertThat(record.get(0).getString(0)).isEqualTo("failed");
    assertThat(record.get(0).getString(1)).contains("_delta_log");
  }
}
