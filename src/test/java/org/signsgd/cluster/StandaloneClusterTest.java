package org.signsgd.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.cli.Main;
import org.signsgd.job.JobSpec;
import org.signsgd.train.DeviceBinding;
import org.signsgd.train.Driver;
import org.signsgd.train.IterationRow;
import org.signsgd.train.RunLifecycle;
import org.signsgd.train.RunStatus;
import org.signsgd.train.SparkEngine;
import org.signsgd.train.SparkSessions;
import org.signsgd.train.TestJobs;
import org.signsgd.train.WorkerRow;

/**
 * The toy job on a real standalone cluster (a master and two workers on 127.0.0.1, authenticated) gives the same
 * {@code iterations/} rows, timing aside, as on local[2]; clients without its secret are refused. Each worker
 * advertises two fake GPUs (worker 0 addresses 0 and 1, worker 1 addresses 2 and 3), which only the GPU tests ask
 * for: one GPU per executor and per task, each task binding its thread to its own.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterTest {
  @TempDir
  static Path dir;

  private static StandaloneCluster cluster;

  private static Client withoutSecret;
  private static Client wrongSecret;

  @BeforeAll
  static void start() throws Exception {
    cluster = new StandaloneCluster(dir, 2, 1, "2g", "1g", 2);
    withoutSecret = refusedClient("without-secret", null);
    wrongSecret = refusedClient("wrong-secret", "not-the-cluster-secret");
  }

  @AfterAll
  static void stop() {
    for (Client p : new Client[] {withoutSecret, wrongSecret}) {
      if (p != null && p.process().isAlive()) {
        p.process().destroyForcibly();
      }
    }
    SparkSessions.stop();
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * Fault tolerance (1): one executor is killed (SIGKILL, by its pid) in the middle of a run with reliable
   * checkpoints; Spark recomputes that executor's workers from the last checkpoint and their lineage, the
   * master starts a new executor, and the run's rows equal an undisturbed run's.
   */
  @Test
  void aRunSurvivesTheLossOfAnExecutor() throws Exception {
    JobSpec spec = TestJobs.one(dir, TestJobs.TOY, "iterations=60", "workers=8", "byzantine=2",
        "attack.name=byzantine-vote", "workers_per_partition=1", "checkpoint_every=10",
        "checkpoint_dir=" + dir.resolve("checkpoints").toUri());
    List<IterationRow> undisturbed = TestJobs.timeless(TestJobs.run(new SparkEngine(
        JavaSparkContext.fromSparkContext(SparkSessions.get("local[2]").sparkContext())), spec));
    SparkSession s = SparkSessions.get(cluster.url(), cluster.applicationConf());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(s.sparkContext());
    jsc.parallelize(List.of(1, 2, 3, 4), 4).count(); // both executors up before the run
    List<ProcessHandle> before = cluster.executors();
    assertThat(before).hasSize(2);
    ProcessHandle victim = before.get(0);
    List<IterationRow> rows = new ArrayList<>();
    new SparkEngine(jsc).run(new Driver(spec), row -> {
      rows.add(row);
      if (row.iteration() == 25) {
        victim.destroyForcibly();
        victim.onExit().join();
      }
    });
    assertThat(victim.isAlive()).isFalse();
    assertThat(TestJobs.timeless(rows)).as(cluster.logs()).isEqualTo(undisturbed);
    // the master replaced the lost executor
    long end = System.nanoTime() + 60_000_000_000L;
    while (cluster.executors().size() < 2 && System.nanoTime() < end) {
      Thread.sleep(200);
    }
    assertThat(cluster.executors()).hasSize(2).doesNotContain(victim);
  }

  @Test
  void toyJobOnTheClusterGivesTheRowsOfLocal() throws Exception {
    JobSpec spec = TestJobs.one(dir, TestJobs.TOY, "iterations=30", "workers=8", "byzantine=2",
        "attack.name=byzantine-vote", "workers_per_partition=1", "checkpoint_every=10");
    List<IterationRow> local = TestJobs.timeless(TestJobs.run(new SparkEngine(
        JavaSparkContext.fromSparkContext(SparkSessions.get("local[2]").sparkContext())), spec));
    SparkSession s = SparkSessions.get(cluster.url(), cluster.applicationConf());
    List<IterationRow> remote = TestJobs.timeless(TestJobs.run(new SparkEngine(
        JavaSparkContext.fromSparkContext(s.sparkContext())), spec));
    assertThat(remote).as(cluster.logs()).hasSize(30).isEqualTo(local);
    // the tasks ran in the two workers' executors, not in this JVM
    assertThat(s.sparkContext().statusTracker().getExecutorInfos()).hasSize(3);
    assertThat(cluster.executors()).hasSize(2);
  }

  /**
   * One GPU per executor and per task ({@code spark.executor.resource.gpu.amount=1},
   * {@code spark.task.resource.gpu.amount=1}) and CUDA_VISIBLE_DEVICES=3,2,1,0 on the executors: every task sees
   * exactly one address, the two executors' addresses are distinct (one of each worker's) and the same before and
   * after the run, every worker's workers/ rows name the address its task was bound to with its CUDA ordinal
   * through that list, and the rows, device aside, are those of local[2] (whose tasks get no GPU: {@code cpu}).
   * ND4J's CPU backend makes the binding a no-op: what is proved is Spark's scheduling and the binding's input.
   */
  @Test
  @Order(Integer.MAX_VALUE - 2) // after the tests that ask no GPU, which share the session without one
  void oneGpuPerTaskIsBoundAndRecordedAndTheRowsAreThoseOfLocal() throws Exception {
    JobSpec spec = TestJobs.one(dir, TestJobs.TOY, "iterations=6", "workers=4", "byzantine=1",
        "attack.name=byzantine-vote", "workers_per_partition=1", "worker_metrics=true");
    List<WorkerRow> localWorkers = new ArrayList<>();
    List<IterationRow> local = run(SparkSessions.get("local[2]"), spec, localWorkers);
    assertThat(localWorkers).hasSize(6 * 4).allSatisfy(w -> assertThat(w.device()).isEqualTo("cpu"));

    SparkSession s = SparkSessions.get(cluster.url(), gpuConf());
    Map<String, String> before = addressesByExecutor(s);
    List<WorkerRow> workers = new ArrayList<>();
    List<IterationRow> remote = run(s, spec, workers);
    Map<String, String> after = addressesByExecutor(s);

    assertThat(before).as(cluster.logs()).hasSize(2).isEqualTo(after);
    List<String> addresses = before.values().stream().sorted().toList();
    assertThat(addresses.get(0)).isIn("0", "1"); // worker 0's executor
    assertThat(addresses.get(1)).isIn("2", "3"); // worker 1's
    // each worker's task was bound to its executor's GPU: address a is CUDA ordinal 3 − a through 3,2,1,0
    assertThat(workers).hasSize(6 * 4);
    assertThat(workers.stream().map(WorkerRow::device).distinct().sorted()).containsExactlyElementsOf(addresses
        .stream().map(a -> "gpu:" + a + "/cuda:" + (3 - Integer.parseInt(a))).toList());
    // not asserted: Spark may move a partition to the other executor (it prefers the one holding its state)
    Map<Integer, java.util.Set<String>> byWorker = new TreeMap<>();
    workers.forEach(w -> byWorker.computeIfAbsent(w.worker(), k -> new java.util.TreeSet<>()).add(w.device()));
    System.out.println("GPU per executor " + before + "; devices per worker over the run " + byWorker);
    assertThat(remote).hasSize(6).isEqualTo(local);
    assertThat(withoutDevice(workers)).isEqualTo(withoutDevice(localWorkers));
  }

  /**
   * {@code device: gpu} on executors with ND4J's CPU backend: the run fails at its first iteration, in seconds (Spark's
   * attempts of the first task each fail at once), with the task's one line naming the executor, what it found and
   * what to install, which train prints as its one line (exit code 1), not after a hang or a run on the CPU.
   */
  @Test
  @Order(Integer.MAX_VALUE - 1)
  void deviceGpuWithoutCudaFailsTheRunAtItsFirstIterationInOneLine() throws Exception {
    SparkSession s = SparkSessions.get(cluster.url(), gpuConf());
    JobSpec spec = TestJobs.one(dir, TestJobs.TOY, "iterations=3", "workers=4", "workers_per_partition=1",
        "device=gpu");
    List<IterationRow> rows = new ArrayList<>();
    long start = System.nanoTime();
    RunLifecycle.Ended ended = RunLifecycle.run(new SparkEngine(JavaSparkContext.fromSparkContext(s.sparkContext())),
        new Driver(spec), rows::add);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(rows).isEmpty(); // no iteration ended
    assertThat(ended.status()).isEqualTo(RunStatus.FAILED);
    assertThat(ended.error()).isInstanceOf(DeviceBinding.DeviceError.class);
    String line = "device: gpu, but executor \\d+ on 127\\.0\\.0\\.1 found ND4J's backend "
        + "org\\.nd4j\\.linalg\\.cpu\\.nativecpu\\.CpuBackend, not CUDA: build with -Pcuda and give the executors a "
        + "CUDA 11\\.x runtime with cuDNN 8; see docs/gpu\\.md";
    assertThat(ended.error().getMessage()).matches(line);
    // what train prints for it: that line alone, exit code 1
    picocli.CommandLine cmd = Main.commandLine();
    java.io.StringWriter err = new java.io.StringWriter();
    cmd.setErr(new java.io.PrintWriter(err, true));
    assertThat(cmd.getExecutionExceptionHandler().handleExecutionException(ended.error(), cmd, null)).isEqualTo(1);
    assertThat(err.toString()).matches("run failed: " + line + "\\R");
    System.out.printf("device: gpu: the run failed %.1f s after its start%n", seconds);
    assertThat(seconds).as("seconds to the failure").isLessThan(30);
  }

  /** The executors' settings with one GPU per executor and per task, and a CUDA_VISIBLE_DEVICES that remaps them. */
  private static Map<String, String> gpuConf() {
    Map<String, String> conf = new HashMap<>(cluster.applicationConf());
    conf.put("spark.executor.resource.gpu.amount", "1");
    conf.put("spark.task.resource.gpu.amount", "1");
    conf.put("spark.executorEnv.CUDA_VISIBLE_DEVICES", "3,2,1,0");
    return conf;
  }

  /**
   * Executor id → the one GPU address its tasks see (a task seeing none or several fails the job). A new session's
   * executors register one by one (a standalone master does not wait for them), so this first waits until both
   * have, and runs its probe job again (up to 20 times) while one executor took all of its tasks.
   */
  private static Map<String, String> addressesByExecutor(SparkSession s) throws InterruptedException {
    long end = System.nanoTime() + 120_000_000_000L;
    while (s.sparkContext().statusTracker().getExecutorInfos().length < 3 && System.nanoTime() < end) {
      Thread.sleep(200); // the driver and the two workers' executors
    }
    Map<String, String> seen = new TreeMap<>();
    for (int attempt = 0; attempt < 20 && seen.size() < 2; attempt++) {
      probe(s, seen);
    }
    return seen;
  }

  private static void probe(SparkSession s, Map<String, String> seen) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(s.sparkContext());
    for (String[] e : jsc.parallelize(List.of(0, 1, 2, 3, 4, 5, 6, 7), 8).map(i -> {
      org.apache.spark.resource.ResourceInformation gpu = TaskContext.get().resourcesJMap().get("gpu");
      if (gpu == null || gpu.addresses().length != 1) {
        throw new IllegalStateException("a task saw GPUs " + (gpu == null ? "none"
            : java.util.Arrays.toString(gpu.addresses())));
      }
      return new String[] {SparkEnv.get().executorId(), gpu.addresses()[0]};
    }).collect()) {
      String had = seen.put(e[0], e[1]);
      assertThat(had == null || had.equals(e[1])).as("executor " + e[0] + " saw " + had + " and " + e[1]).isTrue();
    }
  }

  /** A run's iteration rows, timing aside, with its workers/ rows into {@code workers}. */
  private static List<IterationRow> run(SparkSession s, JobSpec spec, List<WorkerRow> workers) {
    Driver driver = new Driver(spec);
    driver.onWorkerRows(workers::add);
    List<IterationRow> rows = new ArrayList<>();
    RunLifecycle.Ended ended = RunLifecycle.run(new SparkEngine(JavaSparkContext.fromSparkContext(
        s.sparkContext())), driver, rows::add);
    if (ended.error() != null) {
      throw ended.error();
    }
    return TestJobs.timeless(rows);
  }

  private static List<WorkerRow> withoutDevice(List<WorkerRow> rows) {
    return rows.stream().map(w -> new WorkerRow(w.runId(), w.iteration(), w.worker(), w.agreement(), w.weight(),
        w.byzantine(), null)).toList();
  }

  /**
   * The master requires {@code spark.authenticate} with its secret: {@code train} with authentication off, and
   * with another secret, is refused, each for its own reason on both sides of the connection. Spark's standalone
   * client tries three times, 20 s apart, then gives up, and train ends with one line and exit code 2 instead of
   * waiting (Sessions). The clients of the tests above, with the secret, run. The two refused clients are JVMs
   * of their own, started with the cluster so that their minute overlaps the other tests.
   */
  @Test
  @Order(Integer.MAX_VALUE) // last: the refused clients' minute has then passed during the other tests
  void trainWithoutTheSecretOrWithAnotherIsRefused() throws Exception {
    assertRefused(withoutSecret, "Expected SaslMessage, received something else (maybe your client does not have "
        + "SASL enabled?)");
    assertRefused(wrongSecret, "DIGEST-MD5: digest response format violation. Mismatched response.");
  }

  /**
   * {@code train} of a small toy job on the cluster in a JVM of its own, with the executor settings of the tests'
   * clients and {@code spark.authenticate} off (secret null) or on with this secret.
   */
  private static Client refusedClient(String name, String secret) throws Exception {
    Path job = Files.writeString(dir.resolve(name + ".yaml"), TestJobs.TOY.replace("iterations: 500",
        "iterations: 3").replace("engine: inprocess", "engine: spark"));
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", StandaloneCluster.classpath()));
    cmd.addAll(List.of(StandaloneCluster.JAVA_FLAGS.split(" ")));
    Map<String, String> conf = new HashMap<>(cluster.applicationConf());
    conf.put("spark.authenticate", Boolean.toString(secret != null));
    conf.remove("spark.authenticate.secret");
    if (secret != null) {
      conf.put("spark.authenticate.secret", secret);
    }
    conf.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    Path out = dir.resolve(name + "-out");
    cmd.addAll(List.of("org.signsgd.cli.Main", "train", job.toString(), "--master", cluster.url(), "--out",
        out.toString()));
    Path log = dir.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("OMP_NUM_THREADS", "1");
    return new Client(pb.start(), log, out);
  }

  private record Client(Process process, Path log, Path out) {}

  private static void assertRefused(Client client, String reason) throws Exception {
    Process p = client.process();
    // a bound, not a measurement: the client gives up after about a minute
    boolean ended = p.waitFor(240, TimeUnit.SECONDS);
    if (!ended) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor();
    }
    String log = Files.readString(client.log());
    assertThat(ended).as("the refused client still waits after 240 s:\n" + log).isTrue();
    // Spark's log: each attempt to reach the master failed for this reason, then the client gave up
    assertThat(log).contains("Failed to connect to master 127.0.0.1:").contains(reason)
        .contains("Application has been killed. Reason: All masters are unresponsive! Giving up.");
    // train: bad input, exit code 2, one line of its own (Spark's stopping context may log after it)
    assertThat(p.exitValue()).as(log).isEqualTo(2);
    assertThat(log.lines().filter(l -> l.startsWith("error: "))).as(log).containsExactly("error: the Spark master "
        + cluster.url() + " did not accept this application: no master answers there, or it requires "
        + "spark.authenticate with another secret (spark.authenticate.secret); Spark's log above says which");
    assertThat(client.out().resolve("runs")).doesNotExist();
    // the master's side: it rejected the connection for the same reason
    assertThat(cluster.logs()).contains("Error while invoking RpcHandler#receive()").contains(reason);
  }
}
