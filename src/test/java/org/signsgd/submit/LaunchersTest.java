package org.signsgd.submit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster launchers' spark-submit lines (SIGNSGD_DRY_RUN=1 prints them without running): each sets the
 * Java 17 module flags for driver and executors, one task per core, one OpenMP thread per executor and the
 * executor memory of the job's model, and passes the command through unchanged. With {@code --gpus N} before the
 * command word they ask Spark for N GPUs and N cores per executor and one GPU per task, and say how an executor
 * finds its GPUs on each cluster manager; submit/gpu-discovery.sh is Spark's discovery script over nvidia-smi.
 */
class LaunchersTest {
  private record Run(int code, String err) {}

  private static Run launch(Map<String, String> env, String... args) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(args).redirectErrorStream(false);
    pb.environment().put("SIGNSGD_DRY_RUN", "1");
    pb.environment().putAll(env);
    Process p = pb.start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    p.getInputStream().readAllBytes();
    return new Run(p.waitFor(), err);
  }

  private static void assertCommon(String line) {
    assertThat(line).contains("--class org.signsgd.cli.Main")
        .contains("spark.driver.extraJavaOptions=-XX:+IgnoreUnrecognizedVMOptions\\ --add-opens=java.base/java.lang=")
        .contains("spark.executor.extraJavaOptions=-XX:+IgnoreUnrecognizedVMOptions\\ --add-opens=java.base/java.lang=")
        .contains("sun.nio.ch=ALL-UNNAMED").contains("--conf spark.executorEnv.OMP_NUM_THREADS=1")
        // a driver out of heap ends instead of hanging (Spark's task-result threads die and the job waits forever)
        .containsPattern("spark\\.driver\\.extraJavaOptions=(\\S|\\\\ )*-XX:\\+ExitOnOutOfMemoryError")
        .contains("--conf spark.task.cpus=1");
  }

  @Test
  void yarnRunsTheClusterJarInClusterModeWithTheCnnsMemory() throws Exception {
    Run r = launch(Map.of(), "submit/yarn.sh", "train", "jobs/mengoli-mnist-b64.yaml", "--out", "hdfs:///runs");
    assertThat(r.code()).as(r.err()).isZero();
    String line = r.err().strip();
    assertThat(line).startsWith("spark-submit --master yarn --deploy-mode cluster ");
    assertCommon(line);
    assertThat(line).contains("--conf spark.executor.memory=6g --conf spark.executor.memoryOverhead=2g")
        .contains("--conf spark.yarn.appMasterEnv.OMP_NUM_THREADS=1")
        // cluster mode: the job file travels with the application and is named by its base name
        .contains("--files jobs/mengoli-mnist-b64.yaml ")
        .endsWith("target/signsgd-spark-0.1.0-SNAPSHOT-cluster.jar train mengoli-mnist-b64.yaml --out "
            + "hdfs:///runs");
  }

  @Test
  void standaloneKeepsTheDriverHereAndTheToysMemoryCanBeOverridden() throws Exception {
    Run r = launch(Map.of("SIGNSGD_EXECUTOR_MEMORY", "5g"), "submit/standalone.sh", "spark://host:7077",
        "train", "jobs/toy-quadratic.yaml");
    assertThat(r.code()).as(r.err()).isZero();
    String line = r.err().strip();
    assertThat(line).startsWith("spark-submit --master spark://host:7077 --deploy-mode client ");
    assertCommon(line);
    assertThat(line).contains("--conf spark.executor.memory=5g --conf spark.executor.memoryOverhead=512m")
        .endsWith("-cluster.jar train jobs/toy-quadratic.yaml");
  }

  @Test
  void kubernetesNeedsAnImageAndRunsTheJarInsideIt() throws Exception {
    Run missing = launch(Map.of(), "submit/k8s.sh", "k8s://https://api:6443", "train", "jobs/quickstart.yaml");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err().lines().toList()).hasSize(1).first().asString().startsWith("error: SIGNSGD_IMAGE");
    Run r = launch(Map.of("SIGNSGD_IMAGE", "reg/signsgd:0.1"), "submit/k8s.sh", "k8s://https://api:6443",
        "train", "jobs/quickstart.yaml");
    assertThat(r.code()).as(r.err()).isZero();
    String line = r.err().strip();
    assertThat(line).startsWith("spark-submit --master k8s://https://api:6443 --deploy-mode cluster ");
    assertCommon(line);
    assertThat(line).contains("--conf spark.kubernetes.container.image=reg/signsgd:0.1")
        .contains("submit/k8s/pod-template.yaml").contains("--conf spark.executor.memory=3g")
        .endsWith("local:///opt/signsgd/signsgd-spark.jar train jobs/quickstart.yaml");
    // a job path inside the image is sized from the job of the same name here
    Run inImage = launch(Map.of("SIGNSGD_IMAGE", "reg/signsgd:0.1"), "submit/k8s.sh", "k8s://https://api:6443",
        "train", "/opt/signsgd/jobs/mengoli-mnist-b64.yaml");
    assertThat(inImage.err()).contains("--conf spark.executor.memory=6g");
  }

  @Test
  void aClusterJarOfOnesOwnIsSubmittedAsItIsAndAMissingOneIsOneLine() throws Exception {
    Run r = launch(Map.of("SIGNSGD_CLUSTER_JAR", "/opt/jars/signsgd.jar", "SIGNSGD_DEPLOY_MODE", "client"),
        "submit/yarn.sh", "train", "jobs/toy-quadratic.yaml");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err().strip()).startsWith("spark-submit --master yarn --deploy-mode client ")
        .doesNotContain("--files").endsWith(" /opt/jars/signsgd.jar train jobs/toy-quadratic.yaml");
    ProcessBuilder pb = new ProcessBuilder("submit/standalone.sh", "spark://host:7077", "train",
        "jobs/toy-quadratic.yaml");
    pb.environment().put("SIGNSGD_CLUSTER_JAR", "/nonexistent/signsgd.jar");
    Process p = pb.start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isEqualTo(2);
    assertThat(err.strip()).isEqualTo("error: SIGNSGD_CLUSTER_JAR=/nonexistent/signsgd.jar is not a file");
  }

  @Test
  void aMissingMasterIsOneUsageLine() throws Exception {
    for (List<String> args : List.of(List.of("submit/standalone.sh", "train"), List.of("submit/k8s.sh"))) {
      Run r = launch(Map.of(), args.toArray(String[]::new));
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err().strip()).startsWith("usage: ").doesNotContain("\n");
    }
  }

  // ---- --gpus N: Spark's GPU scheduling, one task per GPU

  private static final String ROOT = Path.of("").toAbsolutePath().toString();

  /** The --conf settings of a printed line whose key concerns GPUs or executor cores, in order. */
  private static List<String> gpuConfs(String line) {
    List<String> confs = new ArrayList<>();
    Matcher m = Pattern.compile("--conf (\\S+)").matcher(line);
    while (m.find()) {
      String conf = m.group(1);
      String key = conf.substring(0, Math.max(conf.indexOf('='), 0));
      if (key.contains("gpu") || key.equals("spark.executor.cores") || key.contains("CUDA")
          || key.equals("spark.executor.extraClassPath")) {
        confs.add(conf);
      }
    }
    return confs;
  }

  // what every launcher asks with --gpus 2: 2 GPUs and 2 cores per executor, 1 GPU per task (with
  // spark.task.cpus=1: 2 task slots by cores and 2 by GPUs, one task per GPU), CUDA numbering GPUs as nvidia-smi,
  // and the CUDA natives jars on the executors' class path (printf %q prints the * as \*)
  private static final List<String> GPUS_2 = List.of("spark.executor.cores=2",
      "spark.executor.resource.gpu.amount=2", "spark.task.resource.gpu.amount=1",
      "spark.executorEnv.CUDA_DEVICE_ORDER=PCI_BUS_ID", "spark.executor.extraClassPath=/opt/signsgd/cuda/\\*");

  /** Outside the image the CUDA natives jars are where SIGNSGD_CUDA_DIR says, on every GPU node. */
  @Test
  void theCudaNativesDirectoryIsTheEnvironmentsWhenSet() throws Exception {
    Run r = launch(Map.of("SIGNSGD_CUDA_DIR", "/nfs/cuda-jars"), "submit/standalone.sh", "spark://host:7077",
        "--gpus", "1", "train", "jobs/mengoli-mnist-b64.yaml");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(gpuConfs(r.err().strip())).contains("spark.executor.extraClassPath=/nfs/cuda-jars/\\*")
        .doesNotContain("spark.executor.extraClassPath=/opt/signsgd/cuda/\\*");
  }

  @Test
  void standaloneWithGpusAsksTwoGpusPerExecutorAndLeavesDiscoveryToTheWorkers() throws Exception {
    Run r = launch(Map.of(), "submit/standalone.sh", "spark://host:7077", "--gpus", "2", "train",
        "jobs/mengoli-mnist-b64.yaml", "--out", "/shared/runs");
    assertThat(r.code()).as(r.err()).isZero();
    String line = r.err().strip();
    assertCommon(line);
    // the worker hands each executor its GPUs: no discovery script and no vendor on the application's side
    assertThat(gpuConfs(line)).isEqualTo(GPUS_2);
    assertThat(line).contains("--conf spark.executor.memoryOverhead=2g --conf spark.executor.cores=2 "
            + "--conf spark.executor.resource.gpu.amount=2 --conf spark.task.resource.gpu.amount=1 "
            + "--conf spark.executorEnv.CUDA_DEVICE_ORDER=PCI_BUS_ID "
            + "--conf spark.executor.extraClassPath=/opt/signsgd/cuda/\\* " + ROOT
            + "/target/signsgd-spark-0.1.0-SNAPSHOT-cluster.jar train jobs/mengoli-mnist-b64.yaml --out /shared/runs")
        .doesNotContain("--files").doesNotContain("--gpus");
  }

  @Test
  void yarnWithGpusShipsTheDiscoveryScriptIntoEachContainer() throws Exception {
    Run r = launch(Map.of(), "submit/yarn.sh", "--gpus", "2", "train", "jobs/mengoli-mnist-b64.yaml", "--out",
        "hdfs:///runs");
    assertThat(r.code()).as(r.err()).isZero();
    String line = r.err().strip();
    assertThat(line).startsWith("spark-submit --master yarn --deploy-mode cluster ");
    assertCommon(line);
    // Spark maps spark.executor.resource.gpu.amount to YARN's yarn.io/gpu itself; the script, shipped beside the
    // job file (one --files, comma-separated: printf %q escapes the comma), is ./gpu-discovery.sh in the container
    List<String> expected = new ArrayList<>(GPUS_2);
    expected.add("spark.executor.resource.gpu.discoveryScript=./gpu-discovery.sh");
    assertThat(gpuConfs(line)).isEqualTo(expected);
    assertThat(line).contains("--conf spark.executorEnv.CUDA_DEVICE_ORDER=PCI_BUS_ID "
            + "--conf spark.executor.extraClassPath=/opt/signsgd/cuda/\\* "
            + "--conf spark.executor.resource.gpu.discoveryScript=./gpu-discovery.sh "
            + "--files jobs/mengoli-mnist-b64.yaml\\," + ROOT + "/submit/gpu-discovery.sh "
            + "--conf spark.yarn.appMasterEnv.OMP_NUM_THREADS=1")
        .endsWith("-cluster.jar train mengoli-mnist-b64.yaml --out hdfs:///runs");
    // client mode: the driver is here, only the script travels
    Run client = launch(Map.of("SIGNSGD_DEPLOY_MODE", "client"), "submit/yarn.sh", "--gpus=1", "train",
        "jobs/toy-quadratic.yaml");
    assertThat(client.code()).as(client.err()).isZero();
    assertThat(client.err().strip())
        .contains("--conf spark.executor.cores=1 --conf spark.executor.resource.gpu.amount=1 ")
        .contains(" --files " + ROOT + "/submit/gpu-discovery.sh --conf")
        .endsWith("-cluster.jar train jobs/toy-quadratic.yaml");
  }

  @Test
  void kubernetesWithGpusNamesTheImagesDiscoveryScriptAndNvidiasVendor() throws Exception {
    Run r = launch(Map.of("SIGNSGD_IMAGE", "reg/signsgd:0.1"), "submit/k8s.sh", "k8s://https://api:6443", "--gpus",
        "2", "train", "/opt/signsgd/jobs/mengoli-mnist-b64.yaml");
    assertThat(r.code()).as(r.err()).isZero();
    String line = r.err().strip();
    assertCommon(line);
    // the executor pods ask the device plugin for nvidia.com/gpu: 2; the script is in the image
    List<String> expected = new ArrayList<>(GPUS_2);
    expected.add("spark.executor.resource.gpu.discoveryScript=/opt/signsgd/gpu-discovery.sh");
    expected.add("spark.executor.resource.gpu.vendor=nvidia.com");
    assertThat(gpuConfs(line)).isEqualTo(expected);
    assertThat(line).contains("--conf spark.executorEnv.CUDA_DEVICE_ORDER=PCI_BUS_ID "
            + "--conf spark.executor.extraClassPath=/opt/signsgd/cuda/\\* "
            + "--conf spark.executor.resource.gpu.discoveryScript=/opt/signsgd/gpu-discovery.sh "
            + "--conf spark.executor.resource.gpu.vendor=nvidia.com --conf spark.kubernetes.container.image=")
        .endsWith("local:///opt/signsgd/signsgd-spark.jar train /opt/signsgd/jobs/mengoli-mnist-b64.yaml");
  }

  @Test
  void withoutGpusNoLauncherAsksForGpusOrSetsExecutorCores() throws Exception {
    List<List<String>> launches = List.of(
        List.of("submit/standalone.sh", "spark://host:7077", "train", "jobs/mengoli-mnist-b64.yaml"),
        List.of("submit/yarn.sh", "train", "jobs/mengoli-mnist-b64.yaml"),
        List.of("submit/k8s.sh", "k8s://https://api:6443", "train", "jobs/mengoli-mnist-b64.yaml"));
    for (List<String> args : launches) {
      Run r = launch(Map.of("SIGNSGD_IMAGE", "reg/signsgd:0.1"), args.toArray(String[]::new));
      assertThat(r.code()).as(r.err()).isZero();
      String line = r.err().strip();
      assertCommon(line);
      assertThat(gpuConfs(line)).as(line).isEmpty();
      assertThat(line).doesNotContain("gpu-discovery").doesNotContain("resource.gpu");
    }
  }

  @Test
  void aGpuCountThatIsNotAWholeNumberFromOneIsOneLineAndExitCode2() throws Exception {
    String allowed = "error: --gpus takes the number of GPUs per executor, a whole number from 1 (got ";
    Map<List<String>, String> prefixes = Map.of(
        List.of("submit/standalone.sh", "spark://host:7077"), "submit/standalone.sh spark://HOST:PORT",
        List.of("submit/yarn.sh"), "submit/yarn.sh",
        List.of("submit/k8s.sh", "k8s://https://api:6443"), "submit/k8s.sh k8s://https://API-SERVER:PORT");
    // a value missing before the command word reads the command as the value; at the end, there is none
    Map<List<String>, String> bad = Map.of(
        List.of("--gpus", "0", "train", "jobs/toy-quadratic.yaml"), "'0'",
        List.of("--gpus", "x", "train", "jobs/toy-quadratic.yaml"), "'x'",
        List.of("--gpus", "1.5", "train", "jobs/toy-quadratic.yaml"), "'1.5'",
        List.of("--gpus", "-1", "train", "jobs/toy-quadratic.yaml"), "'-1'",
        List.of("--gpus", "train", "jobs/toy-quadratic.yaml"), "'train'",
        List.of("--gpus=", "train", "jobs/toy-quadratic.yaml"), "nothing",
        List.of("--gpus"), "nothing");
    for (var launcher : prefixes.entrySet()) {
      for (var value : bad.entrySet()) {
        List<String> args = new ArrayList<>(launcher.getKey());
        args.addAll(value.getKey());
        // no SIGNSGD_IMAGE: the value is refused before Kubernetes' image is looked for
        Run r = launch(Map.of(), args.toArray(String[]::new));
        assertThat(r.code()).as(args + ": " + r.err()).isEqualTo(2);
        assertThat(r.err()).as(args.toString()).isEqualTo(allowed + value.getValue() + "); e.g. "
            + launcher.getValue() + " --gpus 1 train JOB.yaml\n");
      }
      // a count and no command: the usage line
      List<String> args = new ArrayList<>(launcher.getKey());
      args.addAll(List.of("--gpus", "1"));
      Run r = launch(Map.of(), args.toArray(String[]::new));
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err().strip()).startsWith("usage: " + launcher.getKey().get(0) + " ").contains("[--gpus N] COMMAND")
          .doesNotContain("\n");
    }
  }

  // ---- submit/gpu-discovery.sh, with a fake nvidia-smi

  private static final String BASH = Files.isExecutable(Path.of("/bin/bash")) ? "/bin/bash" : "/usr/bin/bash";

  private record Discovery(int code, String out, String err) {}

  /** Runs the discovery script with PATH = dir only (no real nvidia-smi can be found). */
  private static Discovery discover(Path dir, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(BASH, "submit/gpu-discovery.sh");
    pb.environment().remove("CUDA_VISIBLE_DEVICES");
    pb.environment().put("PATH", dir.toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Discovery(p.waitFor(), out, err);
  }

  private static void fakeNvidiaSmi(Path dir, String body) throws IOException {
    Path smi = dir.resolve("nvidia-smi");
    Files.writeString(smi, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void theDiscoveryScriptPrintsSparksJsonOfTheGpusNvidiaSmiLists(@TempDir Path dir) throws Exception {
    // the fake answers only the query the script must ask
    fakeNvidiaSmi(dir, "[ \"$*\" = '--query-gpu=index --format=csv,noheader' ] || { echo \"asked: $*\" >&2; exit 3; }\n"
        + "printf '0\\n1\\n'\n");
    Discovery all = discover(dir, Map.of());
    assertThat(all.err()).isEmpty();
    assertThat(all.code()).isZero();
    assertThat(all.out()).isEqualTo("{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}\n");
    // CUDA_VISIBLE_DEVICES (which nvidia-smi ignores) keeps its GPUs, in its order, up to the first one nvidia-smi
    // does not list (5): CUDA stops there too, so 1,0,5,0 is devices 1 and 0
    assertThat(discover(dir, Map.of("CUDA_VISIBLE_DEVICES", "1")).out())
        .isEqualTo("{\"name\":\"gpu\",\"addresses\":[\"1\"]}\n");
    assertThat(discover(dir, Map.of("CUDA_VISIBLE_DEVICES", "1,0,5,0")).out())
        .isEqualTo("{\"name\":\"gpu\",\"addresses\":[\"1\",\"0\"]}\n");
    Discovery none = discover(dir, Map.of("CUDA_VISIBLE_DEVICES", "GPU-8f2c"));
    assertThat(none.code()).isEqualTo(1);
    assertThat(none.out()).isEmpty();
    assertThat(none.err()).startsWith("gpu-discovery: CUDA_VISIBLE_DEVICES='GPU-8f2c' names none of the GPUs "
        + "nvidia-smi lists (0,1); set it to some of those indices or unset it (host ").endsWith(")\n")
        .hasLineCount(1);
  }

  @Test
  void withoutNvidiaSmiOrWhenItFailsTheDiscoveryScriptFailsInOneLine(@TempDir Path dir) throws Exception {
    Discovery missing = discover(dir, Map.of());
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.out()).isEmpty();
    assertThat(missing.err()).startsWith("gpu-discovery: no nvidia-smi on PATH: install the NVIDIA driver (it "
        + "brings nvidia-smi) or give this executor no GPU (host ").hasLineCount(1);
    fakeNvidiaSmi(dir, "echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.'\n"
        + "echo 'Make sure that the latest NVIDIA driver is installed and running.'\nexit 9\n");
    Discovery failed = discover(dir, Map.of());
    assertThat(failed.code()).isEqualTo(1);
    assertThat(failed.out()).isEmpty();
    assertThat(failed.err()).startsWith("gpu-discovery: nvidia-smi failed (exit 9): NVIDIA-SMI has failed because "
        + "it could not communicate with the NVIDIA driver. (host ").hasLineCount(1);
  }
}
