package org.signsgd.cli;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.signsgd.job.EngineKind;
import org.signsgd.job.JobSpec;
import org.signsgd.job.MemoryEstimate;

/**
 * Before Spark starts on a local master, where every worker of a run lives in this JVM: each run must fit in
 * this JVM's memory, shared by the runs in flight at once (a sweep's in-process runs), or the command refuses
 * it in one line ({@link MemoryEstimate}). On a cluster the executors' memory is the launcher's to size.
 */
final class LocalMemory {
  private static final Pattern LOCAL = Pattern.compile("local\\[(\\d+|\\*)(,\\d+)?]");

  private LocalMemory() {}

  /**
   * @param parallel the in-process runs a sweep runs at a time ({@code --parallel}), or null for as many as the
   *     master has cores (a sweep's default); 1 for train
   */
  static void require(List<JobSpec> runs, String file, String master, Integer parallel) {
    if (master == null || !master.startsWith("local")) {
      return;
    }
    long inProcess = runs.stream().filter(s -> s.engine() == EngineKind.INPROCESS).count();
    long inFlight = Math.max(1, Math.min(inProcess, parallel != null ? parallel : cores(master)));
    long heap = Runtime.getRuntime().maxMemory();
    for (JobSpec spec : runs) {
      long available = spec.engine() == EngineKind.INPROCESS ? heap / inFlight : heap;
      MemoryEstimate.require(spec, where(runs, file, spec), available);
    }
  }

  /** Where a refusal of {@code spec} points: the job file, and in a grid of several runs which run it is. */
  static String where(List<JobSpec> runs, String file, JobSpec spec) {
    return runs.size() > 1 ? file + " (run " + spec.runId() + ")" : file;
  }

  /** The cores of a local master: local → 1, local[N] → N, local[*] → this machine's. */
  static int cores(String master) {
    Matcher m = LOCAL.matcher(master);
    if (!m.matches()) {
      return 1;
    }
    return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
  }
}
