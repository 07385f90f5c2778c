package org.signsgd.train;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A task's device, bound before any ND4J call of its workers: the GPU Spark assigned the task
 * ({@code spark.task.resource.gpu.amount=1}; {@code TaskContext.resources().get("gpu")}), as a CUDA device ordinal
 * (through {@code CUDA_VISIBLE_DEVICES} when it is set: Spark's addresses are the discovery script's physical
 * indices, CUDA numbers only the devices that variable lists), bound to the task's thread with
 * {@code Nd4j.getAffinityManager().unsafeSetDevice} (a no-op on the CPU backend). A task without a GPU runs on the
 * CPU, unless the job says {@code device: gpu}: then a task that finds no GPU assigned, or ND4J's CPU backend,
 * fails the run at its first iteration in one line ({@link DeviceError}) instead of quietly running on the CPU.
 * The label it returns ({@link Bound#label()}) goes into each worker's {@code workers/} rows.
 */
public final class DeviceBinding {
  /** What a task without a GPU records. */
  public static final String CPU = "cpu";
  /** What to do about a backend that is not CUDA. */
  static final String INSTALL_CUDA = "build with -Pcuda and give the executors a CUDA 11.x runtime with cuDNN 8; "
      + "see docs/gpu.md";
  /** What to do about a task without a GPU. */
  static final String ASK_GPU = "ask spark.task.resource.gpu.amount=1, e.g. submit/standalone.sh MASTER --gpus 1 "
      + "train JOB.yaml";

  private DeviceBinding() {}

  /**
   * A task's device problem, the same wherever the task runs again: one line that names the executor, what it
   * found and what to install or ask. {@link #of} finds it inside Spark's task failure on the driver.
   */
  public static final class DeviceError extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public DeviceError(String message) {
      super(message);
    }

    /**
     * The device error that failed a Spark job: the cause Spark attached to its {@code SparkException}, or the line
     * of the task's failure that the message quotes; null when there is none.
     */
    public static DeviceError of(Throwable e) {
      List<Throwable> chain = causes(e);
      for (Throwable c : chain) {
        if (c instanceof DeviceError d) {
          return d;
        }
      }
      String marker = DeviceError.class.getName() + ": ";
      for (Throwable c : chain) {
        String m = c.getMessage();
        int at = m == null ? -1 : m.indexOf(marker);
        if (at >= 0) {
          DeviceError d = new DeviceError(m.substring(at + marker.length()).lines().findFirst().orElse("").strip());
          d.initCause(e); // a debug stack trace still shows Spark's failure
          return d;
        }
      }
      return null;
    }

    /** e and its causes, each once (a cycle of causes ends the list). */
    private static List<Throwable> causes(Throwable e) {
      java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      List<Throwable> out = new java.util.ArrayList<>();
      for (Throwable c = e; c != null && seen.add(c); c = c.getCause()) {
        out.add(c);
      }
      return out;
    }
  }

  /**
   * Where a task's workers run.
   *
   * @param address Spark's address of the task's GPU (the discovery script's), null on the CPU
   * @param ordinal the CUDA device ordinal bound, -1 on the CPU
   * @param mapped whether {@code CUDA_VISIBLE_DEVICES} mapped the address to the ordinal
   */
  public record Bound(String address, int ordinal, boolean mapped) {
    static final Bound NONE = new Bound(null, -1, false);

    /** {@code cpu}, {@code gpu:ADDRESS}, or {@code gpu:ADDRESS/cuda:ORDINAL} when the two differ by the mapping. */
    public String label() {
      return address == null ? CPU : "gpu:" + address + (mapped ? "/cuda:" + ordinal : "");
    }
  }

  /**
   * Binds this task's thread to its GPU, if Spark assigned it one, and checks {@code device: gpu}; returns the
   * label of where the workers run. Outside a Spark task (the in-process engine on the driver) it is the CPU.
   */
  public static String bind(boolean gpu) {
    TaskContext task = TaskContext.get();
    ResourceInformation info = task == null ? null : task.resourcesJMap().get("gpu");
    String[] addresses = info == null ? new String[0] : info.addresses();
    if (addresses.length == 0 && !gpu) {
      return CPU; // no ND4J call: a toy task without a GPU never loads a backend
    }
    Bound bound;
    try {
      bound = addresses.length == 0 ? Bound.NONE : resolve(addresses, System.getenv("CUDA_VISIBLE_DEVICES"),
          task == null ? "the driver" : where());
    } catch (DeviceError e) {
      if (gpu) {
        throw e;
      }
      // device: cpu on a cluster that hands out GPUs this task cannot map: it does not need one, so it binds none
      return "gpu:" + String.join(",", addresses) + "/unbound";
    }
    if (gpu) {
      require(bound, Nd4j.getBackend().getClass().getName(), task == null ? "the driver" : where(), task != null);
    }
    if (bound.address() != null) {
      Nd4j.getAffinityManager().unsafeSetDevice(bound.ordinal());
    }
    return bound.label();
  }

  /**
   * The CUDA ordinal of a task's GPU: its address's position in {@code visible} (CUDA_VISIBLE_DEVICES) when that
   * is set, else the address itself, which must then be an ordinal.
   *
   * @param where the executor, for the error line
   */
  static Bound resolve(String[] addresses, String visible, String where) {
    if (addresses.length != 1) {
      throw new DeviceError(where + " gave a task " + addresses.length + " GPUs " + Arrays.toString(addresses)
          + "; each task binds one: ask spark.task.resource.gpu.amount=1");
    }
    String address = addresses[0].strip();
    if (visible != null && !visible.isBlank()) {
      List<String> listed = Arrays.stream(visible.split(",")).map(String::strip).toList();
      int ordinal = listed.indexOf(address);
      if (ordinal < 0) {
        throw new DeviceError(where + " gave a task GPU " + address + ", which CUDA_VISIBLE_DEVICES=" + visible
            + " does not list; the discovery script must report the devices that variable exposes");
      }
      return new Bound(address, ordinal, ordinal != parseOrdinal(address));
    }
    int ordinal = parseOrdinal(address);
    if (ordinal < 0) {
      throw new DeviceError(where + " gave a task GPU '" + address + "', which is not a CUDA device ordinal and "
          + "CUDA_VISIBLE_DEVICES is not set; make the discovery script print indices (nvidia-smi --query-gpu=index)");
    }
    return new Bound(address, ordinal, false);
  }

  /**
   * {@code device: gpu}: a GPU assigned and ND4J's CUDA backend, or one line saying what the task found.
   *
   * @param backend the class name of ND4J's backend
   * @param inTask false on the driver (train's in-process engine), which Spark gives no GPU
   */
  static void require(Bound bound, String backend, String where, boolean inTask) {
    boolean cuda = backend.toLowerCase(Locale.ROOT).contains("jcublas")
        || backend.toLowerCase(Locale.ROOT).contains("cuda");
    if (cuda && bound.address() != null) {
      return;
    }
    String found = (cuda ? "" : "ND4J's backend " + backend + ", not CUDA")
        + (!cuda && bound.address() == null ? ", and " : "")
        + (bound.address() != null ? "" : inTask ? "no GPU assigned to its task" : "no GPU (the in-process engine "
            + "of train runs the workers here)");
    String fix = (cuda ? "" : INSTALL_CUDA) + (!cuda && bound.address() == null ? "; " : "")
        + (bound.address() != null ? "" : inTask ? ASK_GPU : "use engine: spark");
    throw new DeviceError("device: gpu, but " + where + " found " + found + ": " + fix);
  }

  /** {@code executor ID on HOST}: the executor a task runs in. */
  private static String where() {
    SparkEnv env = SparkEnv.get();
    if (env == null) {
      return "a task";
    }
    String host = env.blockManager() == null ? "?" : env.blockManager().blockManagerId().host();
    return "executor " + env.executorId() + " on " + host;
  }

  private static int parseOrdinal(String address) {
    try {
      int n = Integer.parseInt(address);
      return n >= 0 ? n : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
