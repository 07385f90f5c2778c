package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.signsgd.job.JobSpec;

/**
 * A task's GPU address as a CUDA ordinal (through CUDA_VISIBLE_DEVICES), the {@code device: gpu} checks and their one
 * lines, the error found again inside Spark's job failure, and the {@code device} of the workers/ rows.
 */
class DeviceBindingTest {
  private static final String WHERE = "executor 1 on 10.0.0.7";
  private static final String CPU_BACKEND = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";
  private static final String CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";

  @Test
  void anAddressIsItsPositionInCudaVisibleDevicesOrElseItself() {
    // CUDA numbers only the listed devices, in the list's order: physical 3 is ordinal 1 of "2,3"
    assertThat(DeviceBinding.resolve(new String[] {"3"}, "2,3", WHERE))
        .isEqualTo(new DeviceBinding.Bound("3", 1, true));
    assertThat(DeviceBinding.resolve(new String[] {"3"}, "2,3", WHERE).label()).isEqualTo("gpu:3/cuda:1");
    assertThat(DeviceBinding.resolve(new String[] {"2"}, "2, 3", WHERE).label()).isEqualTo("gpu:2/cuda:0");
    // the same number either way: no mapping to show
    assertThat(DeviceBinding.resolve(new String[] {"1"}, "0,1", WHERE)).isEqualTo(new DeviceBinding.Bound("1", 1,
        false));
    assertThat(DeviceBinding.resolve(new String[] {"1"}, "0,1", WHERE).label()).isEqualTo("gpu:1");
    // unset (or empty): the address is the ordinal
    assertThat(DeviceBinding.resolve(new String[] {"0"}, null, WHERE)).isEqualTo(new DeviceBinding.Bound("0", 0,
        false));
    assertThat(DeviceBinding.resolve(new String[] {"5"}, " ", WHERE).label()).isEqualTo("gpu:5");
    // UUIDs, as CUDA_VISIBLE_DEVICES may list them
    assertThat(DeviceBinding.resolve(new String[] {"GPU-b2"}, "GPU-a1,GPU-b2", WHERE).label())
        .isEqualTo("gpu:GPU-b2/cuda:1");
    assertThat(DeviceBinding.Bound.NONE.label()).isEqualTo("cpu");
  }

  @Test
  void aTaskWithoutExactlyOneUsableAddressFailsInOneLine() {
    assertThatThrownBy(() -> DeviceBinding.resolve(new String[] {"0", "1"}, null, WHERE))
        .isInstanceOf(DeviceBinding.DeviceError.class)
        .hasMessage("executor 1 on 10.0.0.7 gave a task 2 GPUs [0, 1]; each task binds one: ask "
            + "spark.task.resource.gpu.amount=1");
    assertThatThrownBy(() -> DeviceBinding.resolve(new String[] {"4"}, "2,3", WHERE))
        .isInstanceOf(DeviceBinding.DeviceError.class)
        .hasMessage("executor 1 on 10.0.0.7 gave a task GPU 4, which CUDA_VISIBLE_DEVICES=2,3 does not list; the "
            + "discovery script must report the devices that variable exposes");
    assertThatThrownBy(() -> DeviceBinding.resolve(new String[] {"GPU-b2"}, null, WHERE))
        .isInstanceOf(DeviceBinding.DeviceError.class)
        .hasMessage("executor 1 on 10.0.0.7 gave a task GPU 'GPU-b2', which is not a CUDA device ordinal and "
            + "CUDA_VISIBLE_DEVICES is not set; make the discovery script print indices (nvidia-smi "
            + "--query-gpu=index)");
  }

  @Test
  void deviceGpuNeedsTheCudaBackendAndAnAssignedGpu() {
    DeviceBinding.Bound gpu0 = new DeviceBinding.Bound("0", 0, false);
    DeviceBinding.require(gpu0, CUDA_BACKEND, WHERE, true); // both there: bound
    assertThatThrownBy(() -> DeviceBinding.require(gpu0, CPU_BACKEND, WHERE, true))
        .isInstanceOf(DeviceBinding.DeviceError.class)
        .hasMessage("device: gpu, but executor 1 on 10.0.0.7 found ND4J's backend " + CPU_BACKEND + ", not CUDA: "
            + "build with -Pcuda and give the executors a CUDA 11.x runtime with cuDNN 8; see docs/gpu.md");
    assertThatThrownBy(() -> DeviceBinding.require(DeviceBinding.Bound.NONE, CUDA_BACKEND, WHERE, true))
        .hasMessage("device: gpu, but executor 1 on 10.0.0.7 found no GPU assigned to its task: ask "
            + "spark.task.resource.gpu.amount=1, e.g. submit/standalone.sh MASTER --gpus 1 train JOB.yaml");
    assertThatThrownBy(() -> DeviceBinding.require(DeviceBinding.Bound.NONE, CPU_BACKEND, WHERE, true))
        .hasMessage("device: gpu, but executor 1 on 10.0.0.7 found ND4J's backend " + CPU_BACKEND + ", not CUDA, "
            + "and no GPU assigned to its task: build with -Pcuda and give the executors a CUDA 11.x runtime with "
            + "cuDNN 8; see docs/gpu.md; ask spark.task.resource.gpu.amount=1, e.g. submit/standalone.sh MASTER "
            + "--gpus 1 train JOB.yaml");
  }

  /** Outside a task (train's in-process engine on the driver): the CPU, and device: gpu cannot be met there. */
  @Test
  void onTheDriverTheWorkersRunOnTheCpu() {
    assertThat(DeviceBinding.bind(false)).isEqualTo("cpu");
    assertThatThrownBy(() -> DeviceBinding.bind(true)).isInstanceOf(DeviceBinding.DeviceError.class)
        .hasMessage("device: gpu, but the driver found ND4J's backend " + CPU_BACKEND + ", not CUDA, and no GPU (the "
            + "in-process engine of train runs the workers here): build with -Pcuda and give the executors a CUDA "
            + "11.x runtime with cuDNN 8; see docs/gpu.md; use engine: spark");
  }

  /**
   * On local[2] a task has no GPU: its workers record {@code cpu}; with {@code device: gpu} the run fails at its first
   * iteration, and the error that comes back is the task's line, found inside Spark's job failure.
   */
  @Test
  void localTasksRecordTheCpuAndDeviceGpuFailsTheFirstIterationWithTheTasksLine() throws Exception {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkSessions.get("local[2]").sparkContext());
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("device");
    JobSpec spec = TestJobs.one(dir, TestJobs.TOY, "iterations=3", "workers=4", "worker_metrics=true");
    Driver driver = new Driver(spec);
    List<WorkerRow> workers = new ArrayList<>();
    driver.onWorkerRows(workers::add);
    List<IterationRow> rows = new ArrayList<>();
    assertThat(RunLifecycle.run(new SparkEngine(jsc), driver, rows::add).error()).isNull();
    assertThat(rows).hasSize(3);
    assertThat(workers).hasSize(12).allSatisfy(w -> assertThat(w.device()).isEqualTo("cpu"));

    JobSpec gpu = TestJobs.one(dir, TestJobs.TOY, "iterations=3", "workers=4", "device=gpu");
    List<IterationRow> none = new ArrayList<>();
    RunLifecycle.Ended ended = RunLifecycle.run(new SparkEngine(jsc), new Driver(gpu), none::add);
    assertThat(none).isEmpty();
    assertThat(ended.status()).isEqualTo(RunStatus.FAILED);
    assertThat(ended.error()).isInstanceOf(DeviceBinding.DeviceError.class)
        .hasMessage("device: gpu, but executor driver on 127.0.0.1 found ND4J's backend " + CPU_BACKEND + ", not CUDA, "
            + "and no GPU assigned to its task: build with -Pcuda and give the executors a CUDA 11.x runtime with "
            + "cuDNN 8; see docs/gpu.md; ask spark.task.resource.gpu.amount=1, e.g. submit/standalone.sh MASTER "
            + "--gpus 1 train JOB.yaml");
    assertThat(RunLifecycle.describe(ended.error())).startsWith("DeviceError: device: gpu, but executor driver ");

    // a sweep's in-process run, a task of its own, binds before it builds anything and ends failed with the line
    List<Sweep.Done> done = jsc.parallelize(List.of(gpu), 1).map(s -> Sweep.runWhole(s, 0.0)).collect();
    assertThat(done.get(0).status()).isEqualTo(RunStatus.FAILED);
    assertThat(done.get(0).rows()).isEmpty();
    assertThat(done.get(0).error()).isEqualTo("DeviceError: " + ended.error().getMessage());
  }

  /** A job failure whose cause did not come back (not deserializable on the driver) still gives the task's line. */
  @Test
  void theLineIsFoundInTheMessageOfAFailureWithoutItsCause() {
    SparkException e = new SparkException("Job aborted due to stage failure: Task 0 in stage 3.0 failed 4 times, "
        + "most recent failure: Lost task 0.3 in stage 3.0 (TID 9) (10.0.0.7 executor 1): "
        + "org.signsgd.train.DeviceBinding$DeviceError: device: gpu, but executor 1 on 10.0.0.7 found no GPU "
        + "assigned to its task: ask spark.task.resource.gpu.amount=1\n\tat org.signsgd.train.DeviceBinding.require"
        + "(DeviceBinding.java:1)\n");
    assertThat(DeviceBinding.DeviceError.of(e)).hasMessage("device: gpu, but executor 1 on 10.0.0.7 found no GPU "
        + "assigned to its task: ask spark.task.resource.gpu.amount=1");
    assertThat(DeviceBinding.DeviceError.of(new IllegalStateException("other", new RuntimeException()))).isNull();
    DeviceBinding.DeviceError inside = new DeviceBinding.DeviceError("line");
    assertThat(DeviceBinding.DeviceError.of(new SparkException("aborted", inside))).isSameAs(inside);
  }
}
