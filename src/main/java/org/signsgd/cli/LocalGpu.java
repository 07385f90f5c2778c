package org.signsgd.cli;

import java.util.List;
import org.apache.spark.SparkConf;
import org.signsgd.job.EngineKind;
import org.signsgd.job.JobException;
import org.signsgd.job.JobSpec;

/**
 * Before Spark starts: GPUs that cannot be had are refused in one line (exit code 2) instead of a job that waits
 * forever. A local master offers its tasks no GPU, so a task that asks for one ({@code spark.task.resource.gpu.amount},
 * set with {@code -D} or spark-submit's {@code --conf}) is never scheduled, and {@code device: gpu} cannot be met;
 * train's in-process engine runs the workers on the driver, which Spark gives no GPU either.
 */
final class LocalGpu {
  /** The Spark settings that ask GPUs for tasks and executors, in the order they are named in a refusal. */
  static final List<String> AMOUNTS = List.of("spark.task.resource.gpu.amount", "spark.executor.resource.gpu.amount");

  private LocalGpu() {}

  /** With the Spark settings of this JVM ({@code spark.*} system properties, as spark-submit passes them). */
  static void refuse(List<JobSpec> runs, String file, String master, boolean train) {
    refuse(runs, file, master, train, new SparkConf());
  }

  /**
   * @param train whether the runs are train's (its in-process runs are on the driver; a sweep's are Spark tasks)
   */
  static void refuse(List<JobSpec> runs, String file, String master, boolean train, SparkConf conf) {
    boolean local = org.signsgd.train.Sessions.oneJvm(master);
    JobSpec gpu = runs.stream().filter(JobSpec::gpu).findFirst().orElse(null);
    if (local && gpu != null) {
      throw new JobException(file, "device", "is gpu with the local master " + master + ", whose tasks get no GPU; "
          + "submit to a cluster with GPU executors (e.g. submit/standalone.sh MASTER --gpus 1 train JOB.yaml), or "
          + "use device: cpu");
    }
    if (local) {
      for (String key : AMOUNTS) {
        if (conf.contains(key)) {
          throw new IllegalArgumentException(key + "=" + conf.get(key) + " with the local master " + master
              + ": a local master never schedules a task that asks for a GPU (the job would wait forever); leave "
              + "the GPU settings out, or submit to a cluster with GPU executors");
        }
      }
    }
    JobSpec inDriver = !train ? null : runs.stream().filter(s -> s.gpu() && s.engine() == EngineKind.INPROCESS)
        .findFirst().orElse(null);
    if (inDriver != null) {
      throw new JobException(file, "device", "is gpu with engine: inprocess, which train runs on the driver, and "
          + "Spark gives the driver no GPU; use engine: spark (or sweep, which runs in-process runs as Spark tasks)");
    }
  }
}
