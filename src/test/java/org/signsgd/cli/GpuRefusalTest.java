package org.signsgd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.job.JobFile;
import org.signsgd.job.JobSpec;

/**
 * GPUs a command cannot have are refused before Spark starts, in one line with exit code 2: {@code device: gpu} or
 * GPU amounts in the Spark settings with a local master (a task asking for a GPU is never scheduled there: the job
 * would wait forever), and {@code device: gpu} with train's in-process engine (the workers run on the driver).
 */
class GpuRefusalTest {
  @TempDir
  Path dir;

  private static final String REFUSED_DEVICE = ": device: is gpu with the local master %s, whose tasks get no "
      + "GPU; submit to a cluster with GPU executors (e.g. submit/standalone.sh MASTER --gpus 1 train JOB.yaml), or "
      + "use device: cpu";

  private Path job(String extra) throws Exception {
    return Files.writeString(dir.resolve("job.yaml"), """
        name: gpu-job
        model: {name: quadratic, dim: 10}
        workers: 3
        iterations: 2
        """ + extra);
  }

  /**
   * The command's exit code and stderr, and that it wrote no table (whether it started Spark cannot be seen from
   * here: another test of this JVM may have left a session that any command would reuse).
   */
  private Cli.Result refused(String... args) {
    Cli.Result r = Cli.run(args);
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
    assertThat(dir.resolve("out").resolve("runs")).doesNotExist();
    return r;
  }

  @Test
  void deviceGpuWithALocalMasterIsRefusedByTrainAndSweep() throws Exception {
    Path job = job("device: gpu\n");
    Cli.Result train = refused("train", job.toString(), "--master", "local[2]", "--out", dir.resolve("out").toString());
    assertThat(train.err()).isEqualTo("error: " + job + REFUSED_DEVICE.formatted("local[2]") + "\n");
    Cli.Result sweep = refused("sweep", job.toString(), "--master", "local", "--out", dir.resolve("out").toString());
    assertThat(sweep.err()).isEqualTo("error: " + job + REFUSED_DEVICE.formatted("local") + "\n");
    // no --master: spark-submit's, else local[*]
    Cli.Result fallback = refused("train", job.toString(), "--out", dir.resolve("out").toString());
    assertThat(fallback.err()).isEqualTo("error: " + job + REFUSED_DEVICE.formatted("local[*]") + "\n");
  }

  /** spark-submit's {@code --conf} and {@code -D} reach the driver as system properties, where SparkConf reads them. */
  @Test
  void gpuAmountsInTheSparkSettingsWithALocalMasterAreRefused() throws Exception {
    Path job = job("");
    System.setProperty("spark.task.resource.gpu.amount", "1");
    try {
      Cli.Result r = refused("train", job.toString(), "--master", "local[2]", "--out", dir.resolve("out").toString());
      assertThat(r.err()).isEqualTo("error: spark.task.resource.gpu.amount=1 with the local master local[2]: a "
          + "local master never schedules a task that asks for a GPU (the job would wait forever); leave the GPU "
          + "settings out, or submit to a cluster with GPU executors\n");
    } finally {
      System.clearProperty("spark.task.resource.gpu.amount");
    }
    List<JobSpec> runs = JobFile.load(job, List.of());
    SparkConf executorOnly = new SparkConf(false).set("spark.executor.resource.gpu.amount", "2");
    // Spark's local[N, F] allows spaces around the comma
    assertThatThrownBy(() -> LocalGpu.refuse(runs, job.toString(), "local[4 , 2]", false, executorOnly))
        .hasMessageStartingWith("spark.executor.resource.gpu.amount=2 with the local master local[4 , 2]: ");
    assertThatThrownBy(() -> LocalGpu.refuse(runs, job.toString(), "local[*]", false, executorOnly))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("spark.executor.resource.gpu.amount=2 with the local master local[*]: ");
    // on a cluster master (local-cluster's executors are processes too) the same settings are Spark's to meet
    SparkConf both = executorOnly.clone().set("spark.task.resource.gpu.amount", "1");
    List<JobSpec> gpu = JobFile.load(job("device: gpu\n"), List.of());
    for (String master : List.of("spark://10.0.0.1:7077", "yarn", "k8s://https://api:6443",
        "local-cluster[2,1,1024]")) {
      assertThatCode(() -> LocalGpu.refuse(gpu, job.toString(), master, true, both)).as(master)
          .doesNotThrowAnyException();
    }
    assertThatCode(() -> LocalGpu.refuse(runs, job.toString(), "local[2]", true, new SparkConf(false)))
        .doesNotThrowAnyException();
  }

  /** train runs an in-process run's workers on the driver, which Spark gives no GPU; a sweep runs it as a task. */
  @Test
  void deviceGpuWithTrainsInProcessEngineIsRefusedOnAnyMaster() throws Exception {
    Path job = job("device: gpu\nengine: inprocess\n");
    // refused before Spark would try to reach this master
    Cli.Result r = refused("train", job.toString(), "--master", "spark://127.0.0.1:9", "--out",
        dir.resolve("out").toString());
    assertThat(r.err()).isEqualTo("error: " + job + ": device: is gpu with engine: inprocess, which train runs on "
        + "the driver, and Spark gives the driver no GPU; use engine: spark (or sweep, which runs in-process runs as "
        + "Spark tasks)\n");
    assertThatCode(() -> LocalGpu.refuse(JobFile.load(job, List.of()), job.toString(), "spark://127.0.0.1:9", false,
        new SparkConf(false))).doesNotThrowAnyException();
  }
}
