package org.signsgd.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.job.JobFile;
import org.signsgd.train.SparkSessions;

/**
 * Fault tolerance (2): the driver of a run is killed (SIGKILL) in the middle; {@code train --resume RUN_ID}
 * continues from the last resume point, and the final {@code iterations/} holds every iteration exactly once,
 * equal to an uninterrupted run's, timing aside. Both drivers are separate JVMs, as on a cluster.
 */
class ResumeTest {
  @TempDir
  Path dir;

  private static final int ITERATIONS = 240;

  @Test
  void aKilledDriverResumesToTheUninterruptedRows() throws Exception {
    Path job = dir.resolve("resume.yaml");
    Files.writeString(job, """
        name: resume
        seed: 5
        model: {name: quadratic, dim: 3000, noise_std: 1.0, x0: normal}
        workers: 9
        byzantine: 2
        attack: {name: byzantine-vote}
        momentum: {beta: 0.9}
        batch_size: 1
        iterations: %d
        lr: {schedule: inverse-sqrt, initial: 0.5}
        engine: spark
        checkpoint_every: 20
        flush_every: 7
        checkpoint_dir: '%s'
        """.formatted(ITERATIONS, dir.resolve("checkpoints").toUri()));
    String runId = JobFile.load(job, List.of()).get(0).runId();

    Process whole = train(job, dir.resolve("whole"), "--set", "checkpoint_dir=" + dir.resolve("other").toUri());
    assertThat(whole.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(whole.exitValue()).as(output(whole)).isZero();

    Process killed = train(job, dir.resolve("resumed"));
    Path latest = dir.resolve("checkpoints").resolve(runId).resolve("LATEST");
    long end = System.nanoTime() + 300_000_000_000L;
    while (!(Files.exists(latest) && Long.parseLong(Files.readString(latest).trim()) >= 100)) {
      assertThat(killed.isAlive()).as("the run ended before it could be killed: " + output(killed)).isTrue();
      assertThat(System.nanoTime()).isLessThan(end);
      Thread.sleep(20);
    }
    killed.destroyForcibly().waitFor();
    long at = Long.parseLong(Files.readString(latest).trim());
    assertThat(at).isLessThan(ITERATIONS);
    assertThat(dir.resolve("resumed").resolve("runs")).doesNotExist();

    Process resumed = train(job, dir.resolve("resumed"), "--resume", runId);
    assertThat(resumed.waitFor(300, TimeUnit.SECONDS)).isTrue();
    String log = output(resumed);
    assertThat(resumed.exitValue()).as(log).isZero();
    assertThat(log).contains("resuming " + runId + " at iteration " + at + " (");

    List<Row> expected = rows(dir.resolve("whole"));
    List<Row> actual = rows(dir.resolve("resumed"));
    assertThat(expected).hasSize(ITERATIONS);
    assertThat(actual).hasSize(ITERATIONS).isEqualTo(expected);
    List<Row> status = SparkSessions.get("local[2]").read().format("delta").load(dir.resolve("resumed").resolve("runs")
        .toString()).select("status").collectAsList();
    assertThat(status).extracting(r -> r.getString(0)).containsExactly("resumed");
  }

  private static List<Row> rows(Path out) {
    Dataset<Row> d = SparkSessions.get("local[2]").read().format("delta").load(out.resolve("iterations").toString())
        .drop("compute_ms", "aggregate_ms", "iteration_ms").orderBy("iteration");
    return d.collectAsList();
  }

  private Process train(Path job, Path out, String... more) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-cp", StandaloneCluster.classpath()));
    cmd.addAll(List.of(StandaloneCluster.JAVA_FLAGS.split(" ")));
    cmd.addAll(List.of("org.signsgd.cli.Main", "train", job.toString(), "--out", out.toString(), "--master",
        "local[2]"));
    cmd.addAll(List.of(more));
    Path log = Files.createTempFile(dir, "train", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("OMP_NUM_THREADS", "1");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    logs.put(p, log);
    return p;
  }

  private final java.util.Map<Process, Path> logs = new java.util.HashMap<>();

  private String output(Process p) throws Exception {
    return Files.readString(logs.get(p), StandardCharsets.UTF_8);
  }
}
