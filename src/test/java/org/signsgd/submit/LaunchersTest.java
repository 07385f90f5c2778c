package org.signsgd.submit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The cluster launchers' spark-submit lines (SIGNSGD_DRY_RUN=1 prints them without running): each sets the
 * Java 17 module flags for driver and executors, one task per core, one OpenMP thread per executor and the
 * executor memory of the job's model, and passes the command through unchanged.
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
}
