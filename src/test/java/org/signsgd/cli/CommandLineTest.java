package org.signsgd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.data.MnistFixture;

/** The commands as a user runs them: exit codes, one-line errors, outputs that analyze reads back. */
class CommandLineTest {
  @TempDir
  Path dir;

  private static Cli.Result run(String... args) {
    return Cli.run(args);
  }

  @Test
  void quickstartTrainsOnSparkAndAnalyzeReadsTheMetricsBack() throws Exception {
    Path out = dir.resolve("qs");
    MnistFixture.dir();
    // 25 of the file's 150 steps: evaluated at steps 0, 10, 20 and 24, Signum's best is 0.87 (seed 1; 0.76, 0.85,
    // 0.87 there, 0.89 at step 39); SGD stays at the initial network's 0.14
    Cli.Result train = run("train", "jobs/quickstart.yaml", "--set", "iterations=25", "--out", out.toString(),
        "--master", "local[2]");
    assertThat(train.code()).as(train.err()).isZero();
    assertThat(train.out()).contains("metrics (Parquet): " + out.resolve("iterations").toAbsolutePath())
        .contains("plots (PNG):       " + out.resolve("plots").toAbsolutePath());
    assertThat(out.resolve("plots/loss.png")).isNotEmptyFile();
    assertThat(out.resolve("plots/test-accuracy.png")).isNotEmptyFile();
    assertThat(train.err()).contains("[run 1/2 sgd reversed-sum B=1 batch=64]  iteration 25/25");

    Cli.Result q = run("analyze", "--metrics", out.toString(), "--format", "csv", "--sql",
        "SELECT algorithm, COUNT(*) AS n, MAX(test_accuracy) AS best FROM iterations GROUP BY algorithm "
            + "ORDER BY algorithm");
    assertThat(q.code()).as(q.err()).isZero();
    String[] lines = q.out().strip().split("\n");
    assertThat(lines[0]).isEqualTo("algorithm,n,best");
    // SGD never moves (the mean is 0): the initial network's accuracy, at chance; Signum learns
    assertThat(lines[1]).startsWith("sgd,25,");
    assertThat(Double.parseDouble(lines[1].split(",")[2])).isLessThan(0.2);
    assertThat(lines[2]).startsWith("signum,25,");
    assertThat(Double.parseDouble(lines[2].split(",")[2])).isGreaterThan(0.8);

    Cli.Result runs = run("analyze", "--metrics", out.toString(), "--sql", "SELECT status, COUNT(*) FROM runs "
        + "GROUP BY status");
    assertThat(runs.out()).contains("completed").contains("(1 rows)");
  }

  /** The bench's smoke run prints one table with every section; no speed is asserted here. */
  @Test
  void benchQuickPrintsTheTable() {
    Cli.Result r = run("bench", "--quick", "--mnist", MnistFixture.dir().toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("cpu: ").contains("--quick (sizes reduced)");
    for (String section : new String[] {"a  vote, bit-sliced one pass", "a  vote, bit-sliced mergeable tally", "a  vote, scalar oracle", "a  float-sum loop",
        "b  gradient mlp, batch 64", "b  gradient mengoli-cnn, batch 8, 1 thread, DL4J's convolution",
        "b  gradient mengoli-cnn, batch 8, 1 thread, gemm convolution",
        "b  ResNet conv 7x7/2, 1->16, 56x56, batch 2, fwd+bwd, 1 thread, DL4J's",
        "b  ResNet conv 1x1/2, 64->128, 14x14, batch 2, fwd+bwd, 1 thread, gemm", "c  mengoli-cnn iteration, Q=27",
        "c    gradient: workers' gradients / cores", "c    aggregate: the server step", "c    collect: ",
        "h  DL4J Spark ParameterAveragingTrainingMaster (averaging every 5), DL4J's convolution",
        "h  plain DL4J MultiLayerNetwork.fit, one JVM, 2 threads, gemm convolution",
        "d  iteration / floor", "d    iteration / that parallel floor", "f  toy, 27 workers", "f    Spark overhead per iteration (workers_per_partition=",
        "f    a run's median iteration_ms (100 it, workers_per_partition and resident_workers auto)",
        "f    the same with resident_workers: false (one Spark job per iteration)",
        "g  Spark iteration, toy, Q=27, d=1000, workers_per_partition=auto, resident_workers=auto",
        "i  gradient resnet18, batch 2, 32 px, 10 classes, 1 thread (0 warm-up + 1 timed), DL4J's convolution",
        "i  gradient resnet18, batch 2, 32 px, 10 classes, 1 thread (0 warm-up + 1 timed), gemm convolution",
        "i    as GFLOP/s, gemm convolution", "i  decode + RandomResizedCrop/flip/normalise, 160x120 JPEGs",
        "i  decode + resize/centre crop/normalise, 160x120 JPEGs",
        "j  server step, majority-vote, driver, Q=27, d=70000", "j  server step, krum, sharded, Q=27, d=70000",
        "j    bytes to the driver per iteration", "j  server step, median, sharded, Q=9, d=70000",
        "j  server step, sign-fd, sharded, Q=27, d=70000", "j    heap peak of this JVM (driver and executors)",
        "j    the server's work in it (attack, rule, sums; sharded: less moving the chunks",
        "j    moving the messages (the worker stage's collect; sharded: + moving chunks",
        "j    krum: sharded server's work / (driver's / ", "j    krum: sharded server step / (driver's",
        "j    sign-fd: sharded (work + moving) / (driver's / ",
        "j    a round's Spark job, submission to end (median)", "j    its slowest task's run: reading the chunks",
        "j    a Spark job of 2 empty tasks on this master (median)",
        "j    krum: (sharded work + those jobs per round) / (driver's step / 2 cores): the least one job per round allows",
        "j    a Spark job of 2 tasks returning "}) {
      assertThat(r.out()).contains(section);
    }
    // the shards' jobs are counted, not timed: one per round, and Krum's distances take a pass before its finish
    for (String[] rounds : new String[][] {{"majority-vote", "1"}, {"krum", "2"}, {"sign-fd", "1"}}) {
      assertThat(r.out()).containsPattern("j  server step, " + rounds[0] + ", sharded, Q=27, d=70000 (?:(?!j  server "
          + "step)[\\s\\S])*j    the shards' Spark jobs per iteration \\(one per round: the rule's passes\\) +"
          + rounds[1] + "\\.000 ");
    }
    // bytes are counted, not timed: 8-byte message header + 8-byte vector header + ceil(d/8) bits, over 4d
    assertThat(r.out()).containsPattern("e  bytes up per worker-iteration, d=1199882 \\(vs 4d = 4799528\\) +"
        + "150002.000 B +0.0313  <= 4d/31  met");
  }

  /** --out and --metrics take Hadoop URIs (file: here; hdfs: and s3a: go through the same FileSystem code). */
  @Test
  void outputAndMetricsAcceptAHadoopUri() throws Exception {
    String uri = dir.resolve("by-uri").toUri().toString();
    assertThat(uri).startsWith("file:");
    Path job = dir.resolve("uri.yaml");
    Files.writeString(job, org.signsgd.train.TestJobs.TOY);
    Cli.Result train = run("train", job.toString(), "--set", "iterations=15", "--out", uri);
    assertThat(train.code()).as(train.err()).isZero();
    assertThat(train.out()).contains("metrics (Parquet): " + dir.resolve("by-uri").resolve("iterations"));
    assertThat(dir.resolve("by-uri").resolve("plots").resolve("loss.png")).isNotEmptyFile();
    Cli.Result q = run("analyze", "--metrics", uri, "--sql", "SELECT COUNT(*) AS n FROM iterations");
    assertThat(q.code()).as(q.err()).isZero();
    assertThat(q.out()).contains("15");
  }

  @Test
  void badInputExitsWithTwoAndOneLine() throws Exception {
    Path job = dir.resolve("bad.yaml");
    Files.writeString(job, "name: x\nworkers: 5\nbyzantine: 7\n");
    Cli.Result r = run("train", job.toString(), "--out", dir.resolve("o").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("error: " + job + ": byzantine: is 7; allowed: an integer in [0, 5]");
    assertThat(r.err().lines().count()).isEqualTo(1);
  }

  @Test
  void unwritableOutputIsBadInput() throws Exception {
    Path file = dir.resolve("a-file");
    Files.writeString(file, "x");
    Cli.Result r = run("train", "jobs/quickstart.yaml", "--out", file.resolve("sub").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: jobs/quickstart.yaml: --out: the output directory ")
        .contains("is not writable");
  }

  /** Was exit 1 with a Spark session started first, where train --out FILE is exit 2. */
  @Test
  void plotIntoARegularFileIsBadInput() throws Exception {
    Path metrics = dir.resolve("m");
    Files.createDirectories(metrics.resolve("runs"));
    Files.createDirectories(metrics.resolve("iterations"));
    Path file = dir.resolve("a-file");
    Files.writeString(file, "x");
    Cli.Result r = run("plot", "--metrics", metrics.toString(), "--out", file.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: --out " + file + ": the output directory is not writable "
        + "(FileAlreadyExistsException); choose another with --out DIR" + System.lineSeparator());
  }

  /** Empty and null --set values, and the new one-line errors, go through train's exit code 2 before Spark. */
  @Test
  void emptySetValuesAndOtherBadJobInputExitWithTwoBeforeSparkStarts() throws Exception {
    Path job = dir.resolve("job.yaml");
    Files.writeString(job, "name: t\nmodel: {name: quadratic, dim: 10}\niterations: 10\n");
    String out = dir.resolve("o").toString();
    Cli.Result empty = run("train", job.toString(), "--out", out, "--set", "iterations=");
    assertThat(empty.code()).isEqualTo(2);
    assertThat(empty.err()).isEqualTo("error: " + job + ": --set iterations: the value after '=' is empty; give "
        + "one after '=', or leave this --set out to keep the job file's value (default: 500)"
        + System.lineSeparator());
    Files.writeString(job, "name: t\nmodel: " + "[".repeat(5000) + "]".repeat(5000) + "\n");
    Cli.Result deep = run("train", job.toString(), "--out", out);
    assertThat(deep.code()).isEqualTo(2);
    assertThat(deep.err()).isEqualTo("error: " + job + ": model: nests lists and maps more than 32 deep; a job's "
        + "settings nest a few levels (line 2)" + System.lineSeparator());
    assertThat(dir.resolve("o")).doesNotExist();
  }

  /** Spark's "Truncated the string representation of a plan" warning was on every command's stderr. */
  @Test
  void sparksPlanTruncationWarningIsSilenced() {
    org.apache.logging.log4j.Logger stringUtils = org.apache.logging.log4j.LogManager.getLogger(
        "org.apache.spark.sql.catalyst.util.SparkStringUtils");
    assertThat(stringUtils.isEnabled(org.apache.logging.log4j.Level.WARN)).isFalse();
    assertThat(stringUtils.isEnabled(org.apache.logging.log4j.Level.ERROR)).isTrue();
    assertThat(org.apache.logging.log4j.LogManager.getLogger("org.apache.spark.SparkContext")
        .isEnabled(org.apache.logging.log4j.Level.WARN)).isTrue();
  }

  @Test
  void analyzeOverAnEmptyDirectoryOrAWrongColumnIsOneLine() throws Exception {
    Cli.Result r = run("analyze", "--metrics", dir.toString(), "--sql", "SELECT 1");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("error: --metrics " + dir + " holds no metrics (no runs/ or "
        + "iterations/ directory); give the --out directory of a train run");
  }

  /** A grid above the limit and a run that cannot fit in this JVM are one line each, before Spark starts. */
  @Test
  void aGridAboveTheLimitAndARunTooLargeForThisJvmAreRefusedBeforeSpark() throws Exception {
    Path job = dir.resolve("grid.yaml");
    Files.writeString(job, org.signsgd.train.TestJobs.TOY + "grid:\n  seed: ["
        + java.util.stream.IntStream.range(0, 200).mapToObj(Integer::toString)
            .collect(java.util.stream.Collectors.joining(", ")) + "]\n  byzantine: [0, 1, 2]\n");
    Cli.Result big = run("sweep", job.toString(), "--out", dir.resolve("g").toString(), "--max-runs", "500");
    assertThat(big.code()).isEqualTo(2);
    assertThat(big.err().lines().count()).isEqualTo(1);
    assertThat(big.err()).startsWith("error: " + job + ": grid: makes 600 runs, more than the limit of 500; ")
        .contains("--max-runs 600");
    assertThat(dir.resolve("g").resolve("iterations")).doesNotExist();
    Cli.Result none = run("sweep", job.toString(), "--out", dir.resolve("g").toString(), "--parallel", "0");
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err().strip()).isEqualTo("error: --parallel 0; allowed: K >= 1 (or leave it out for every core)");

    Path toy = dir.resolve("toy.yaml");
    Files.writeString(toy, org.signsgd.train.TestJobs.TOY);
    Cli.Result huge = run("train", toy.toString(), "--set", "model.dim=100000000", "--out",
        dir.resolve("h").toString(), "--master", "local[2]");
    assertThat(huge.code()).isEqualTo(2);
    assertThat(huge.err().lines().count()).isEqualTo(1);
    assertThat(huge.err()).startsWith("error: " + toy + ": model: needs about ")
        .contains("with its 27 workers in one JVM (quadratic, d = 100,000,000)");
  }

  /** A space or a '%' in --out is part of the directory's name, where the metrics go and what is printed. */
  @Test
  void anOutputPathWithASpaceIsThatPath() throws Exception {
    Path job = dir.resolve("toy.yaml");
    Files.writeString(job, org.signsgd.train.TestJobs.TOY);
    Path out = dir.resolve("my runs 100%");
    Cli.Result r = run("train", job.toString(), "--set", "iterations=3", "--set", "workers=5", "--out",
        out.toString(), "--master", "local[2]", "--no-report");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("metrics (Parquet): " + out.resolve("iterations").toAbsolutePath());
    assertThat(out.resolve("iterations").resolve("_delta_log")).isDirectory();
    try (java.util.stream.Stream<Path> made = Files.list(dir)) {
      assertThat(made.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("toy.yaml", "my runs 100%");
    }
  }
}
