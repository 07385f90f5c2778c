package org.signsgd.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.job.JobFile;
import org.signsgd.metrics.OutputDir;
import org.signsgd.train.SparkSessions;
import org.signsgd.train.Training;

/**
 * The toy job submitted to a real YARN (Hadoop's MiniYARNCluster on 127.0.0.1) by {@code submit/yarn.sh}, in
 * client mode (the driver in the submitting JVM) and cluster mode (the driver in the application master's
 * container), gives the {@code iterations/} rows, timing aside, of a local[2] run of the same job.
 *
 * <p>There is no Spark distribution here, so the test lays out one without jars, as {@link StandaloneCluster}
 * does: {@code SPARK_HOME} with an empty {@code jars/}, a {@code conf/spark-defaults.conf} with
 * this site's settings, and {@code SPARK_DIST_CLASSPATH} = the Maven jars (Spark, spark-yarn, Hadoop's shaded
 * client, and the project's dependencies), which YARN's client also puts on every container's classpath (all
 * containers run on this machine). Its {@code bin/spark-submit} runs Spark's launcher as Spark's own
 * {@code bin/spark-class} does, so the driver JVM of client mode gets spark.driver.memory and
 * spark.driver.extraJavaOptions from yarn.sh's line. The application jar is this project's classes alone,
 * packaged here ({@code SIGNSGD_CLUSTER_JAR}): the shaded cluster jar (158 MB, a minute or more of
 * {@code mvn -Pcluster package}, and a second Maven build inside this one) would only add the dependencies the
 * distribution classpath already has.
 */
@Tag("slow")
class YarnClusterTest {
  @TempDir
  static Path dir;

  private static MiniYarn yarn;
  private static Path job;
  private static Map<String, String> env;
  private static Submission client;
  private static Submission cluster;
  private static List<Row> local;

  private static final int ITERATIONS = 12;

  @BeforeAll
  static void start() throws Exception {
    job = dir.resolve("yarn-toy.yaml");
    Files.writeString(job, """
        name: yarn-toy
        seed: 11
        model: {name: quadratic, dim: 500, noise_std: 1.0, x0: 1.0}
        workers: 6
        byzantine: 1
        attack: {name: byzantine-vote}
        aggregator: {name: majority-vote}
        momentum: {beta: 0.9}
        batch_size: 2
        iterations: %d
        lr: {schedule: inverse-sqrt, initial: 0.5}
        engine: spark
        checkpoint_every: 5
        """.formatted(ITERATIONS));
    yarn = new MiniYarn(YarnClusterTest.class.getName(), dir);
    env = distribution(dir.resolve("spark-home"), packageClasses(Path.of("target", "classes"),
        dir.resolve("signsgd-spark-app.jar")));
    // both deploy modes side by side on the one YARN, and the local[2] run in the meantime
    client = new Submission("client");
    cluster = new Submission("cluster");
    // the same job on local[2], through the same training and metrics code as train (its report aside)
    String localOut = dir.resolve("local").toUri().toString();
    SparkSession spark = SparkSessions.get("local[2]");
    Training.run(spark, JobFile.load(job, List.of()), OutputDir.of(localOut,
        spark.sparkContext().hadoopConfiguration()), new PrintWriter(Writer.nullWriter()));
    local = iterations(localOut);
    assertThat(local).hasSize(ITERATIONS);
  }

  @AfterAll
  static void stop() {
    for (Submission s : new Submission[] {client, cluster}) {
      if (s != null) {
        s.kill();
      }
    }
    if (yarn != null) {
      yarn.close();
    }
  }

  @Test
  void clientModeGivesTheRowsOfLocal() throws Exception {
    String output = client.await();
    // the driver ran here: the command's own output came back through spark-submit
    assertThat(output).contains("metrics (Parquet): " + client.out.resolve("iterations"));
    assertRan(client);
  }

  @Test
  void clusterModeGivesTheRowsOfLocal() throws Exception {
    String output = cluster.await();
    // the driver ran in the application master's container: its output is that container's stdout
    assertThat(output).doesNotContain("metrics (Parquet): ").contains("final status: SUCCEEDED");
    assertThat(yarn.logs(cluster.application)).contains("metrics (Parquet): " + cluster.out.resolve("iterations"));
    assertRan(cluster);
  }

  /** The rows equal local[2]'s, the run completed, and YARN ran it: an application master and two executors. */
  private static void assertRan(Submission s) throws IOException {
    String uri = s.out.toUri().toString();
    String why = s.output() + "\n" + yarn.logs(s.application);
    assertThat(iterations(uri)).as(why).hasSize(ITERATIONS).isEqualTo(local);
    assertThat(table(uri, "runs").select("status").collectAsList()).extracting(row -> row.getString(0))
        .containsExactly("completed");
    List<Path> containers = yarn.containers(s.application);
    assertThat(containers).as(why).hasSize(3);
    // yarn.sh's one BLAS thread reached the application master and both executors
    for (Path c : containers) {
      assertThat(Files.readString(c.resolve("launch_container.sh"))).contains("export OMP_NUM_THREADS=\"1\"");
    }
  }

  /** The {@code iterations/} rows of an output directory, timing columns dropped, in iteration order. */
  private static List<Row> iterations(String out) {
    return table(out, "iterations").drop("compute_ms", "aggregate_ms", "iteration_ms")
        .orderBy("run_id", "iteration").collectAsList();
  }

  /** A table ({@code runs}, {@code iterations}) of an output directory (a URI): the one place that knows its format. */
  private static Dataset<Row> table(String out, String name) {
    return SparkSessions.get("local[2]").read().format("delta").load(out + "/" + name);
  }

  /** {@code submit/yarn.sh train JOB --out file:OUT} in one deploy mode, started at once, awaited by its test. */
  private static final class Submission {
    final String mode;
    final Path out;
    final Path log;
    final Process process;
    String application = "(none)";

    Submission(String mode) throws IOException {
      this.mode = mode;
      out = dir.resolve(mode + "-out");
      log = dir.resolve(mode + "-submit.log");
      // no report: the driver's rows are the point here, and drawing it is most of a driver's time
      ProcessBuilder pb = new ProcessBuilder("bash", "submit/yarn.sh", "train", job.toString(), "--out",
          out.toUri().toString(), "--no-report").redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().putAll(env);
      pb.environment().put("SIGNSGD_DEPLOY_MODE", mode);
      process = pb.start();
    }

    String output() throws IOException {
      return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Waits for yarn.sh to end; asserts that it ran the line it printed, and succeeded. Its output. */
    String await() throws Exception {
      // a bound, not a measurement
      boolean ended = process.waitFor(300, TimeUnit.SECONDS);
      if (!ended) {
        kill();
      }
      String output = output();
      Matcher m = Pattern.compile("application_\\d+_\\d+").matcher(output);
      if (m.find()) {
        application = m.group();
      }
      String why = output + "\n" + yarn.logs(application);
      assertThat(ended).as("yarn.sh still running after 300 s:\n" + why).isTrue();
      assertThat(process.exitValue()).as(why).isZero();
      assertThat(output.lines().findFirst().orElse("")).startsWith(env.get("SPARK_SUBMIT") + " --master yarn "
          + "--deploy-mode " + mode + " --class org.signsgd.cli.Main");
      assertThat(application).as(why).isNotEqualTo("(none)");
      return output;
    }

    void kill() {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  /**
   * A Spark "distribution" without jars at {@code home} for this YARN, and the environment yarn.sh runs in:
   * SPARK_SUBMIT (its bin/spark-submit), SIGNSGD_CLUSTER_JAR, HADOOP_CONF_DIR, SPARK_HOME,
   * SPARK_DIST_CLASSPATH, loopback and one BLAS thread.
   */
  private static Map<String, String> distribution(Path home, Path appJar) throws IOException {
    Files.createDirectories(home.resolve("jars"));
    Path bin = Files.createDirectories(home.resolve("bin"));
    Path conf = Files.createDirectories(home.resolve("conf"));
    String javaHome = System.getProperty("java.home");
    List<String> jars = new ArrayList<>();
    for (String e : StandaloneCluster.classpath().split(File.pathSeparator)) {
      // Spark, Hadoop's client and the job's dependencies; the project's classes only from the application jar
      if (e.endsWith(".jar") && !e.contains("hadoop-client-minicluster")) {
        jars.add(e);
      }
    }
    Files.writeString(conf.resolve("spark-defaults.conf"), String.join("\n",
        // the Spark jars are on every node already (SPARK_DIST_CLASSPATH): nothing to upload
        "spark.yarn.jars local:" + home.resolve("jars") + "/*",
        "spark.yarn.stagingDir " + dir.resolve("staging").toUri(),
        "spark.executor.instances 2",
        "spark.yarn.appMasterEnv.JAVA_HOME " + javaHome,
        "spark.executorEnv.JAVA_HOME " + javaHome,
        "spark.yarn.appMasterEnv.SPARK_LOCAL_IP 127.0.0.1",
        "spark.executorEnv.SPARK_LOCAL_IP 127.0.0.1",
        ""));
    Path submit = bin.resolve("spark-submit");
    Files.writeString(submit, """
        #!/usr/bin/env bash
        # spark-submit as Spark's bin/spark-class runs it: Spark's launcher prints what it has to say, a NUL, a
        # newline and the driver JVM's command (spark.driver.memory, spark.driver.extraJavaOptions, the
        # classpath) one NUL-terminated word at a time; that command then runs
        set -euo pipefail
        out=()
        while IFS= read -r -d '' word; do out+=("$word"); done < <("$JAVA_HOME/bin/java" -Xmx128m \\
          -cp "$SPARK_DIST_CLASSPATH" org.apache.spark.launcher.Main org.apache.spark.deploy.SparkSubmit "$@"
          printf '%d\\0' "$?")
        code="${out[-1]}"
        if [ -n "${out[0]}" ]; then printf '%s' "${out[0]}" >&2; fi
        if [ "$code" != 0 ]; then exit "$code"; fi
        cmd=("${out[@]:1:${#out[@]}-2}")
        cmd[0]="${cmd[0]#$'\\n'}"
        exec "${cmd[@]}"
        """);
    Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
    return Map.of("SPARK_SUBMIT", submit.toString(), "SIGNSGD_CLUSTER_JAR", appJar.toString(),
        "SIGNSGD_EXECUTOR_MEMORY", "1g", "HADOOP_CONF_DIR", yarn.confDir().toString(),
        "SPARK_HOME", home.toString(), "SPARK_SCALA_VERSION", "2.12",
        "SPARK_DIST_CLASSPATH", String.join(File.pathSeparator, jars), "JAVA_HOME", javaHome,
        "SPARK_LOCAL_IP", "127.0.0.1", "OMP_NUM_THREADS", "1");
  }

  /** The project's compiled classes and resources as a jar (what the cluster jar holds besides its dependencies). */
  private static Path packageClasses(Path classes, Path jar) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
    manifest.getMainAttributes().putValue("Main-Class", "org.signsgd.cli.Main");
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
        Files.copy(f, out);
        out.closeEntry();
      }
    }
    return jar;
  }
}
