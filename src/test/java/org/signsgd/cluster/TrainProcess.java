package org.signsgd.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code signsgd train ...} in a child JVM of its own, as a user's shell starts it; its output in a file. */
final class TrainProcess {
  private final Process process;
  private final Path log;

  /** Starts {@code train JOB --out OUT --master local[2] --no-report MORE...}. */
  TrainProcess(Path job, Path out, Path logDir, String... more) throws IOException {
    // C1 only (in JAVA_FLAGS): a short run's JVM otherwise spends more CPU compiling than running
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-cp", StandaloneCluster.classpath()));
    cmd.addAll(List.of(StandaloneCluster.JAVA_FLAGS.split(" ")));
    // no report: these runs are about rows and records, and a report costs a child JVM most of its time
    cmd.addAll(List.of("org.signsgd.cli.Main", "train", job.toString(), "--out", out.toString(), "--master",
        "local[2]", "--no-report"));
    cmd.addAll(List.of(more));
    log = Files.createTempFile(logDir, "train", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("OMP_NUM_THREADS", "1");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    process = pb.start();
  }

  /** Waits for the end (at most 5 minutes) and returns the exit code. */
  int exitCode() throws InterruptedException {
    if (!process.waitFor(300, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("train did not end within 5 minutes; its output:\n" + output());
    }
    return process.exitValue();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Sends a signal by name (INT, TERM, KILL) with kill(1), as a shell or a resource manager does. */
  void signal(String name) throws IOException, InterruptedException {
    // kill's own output (none, unless the process is gone) must not reach this JVM's descriptors: in a forked test
    // JVM they carry surefire's channel
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).redirectErrorStream(true)
        .start();
    String said = new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: " + said + "; the run's "
          + "output:\n" + output());
    }
  }

  String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }
}
