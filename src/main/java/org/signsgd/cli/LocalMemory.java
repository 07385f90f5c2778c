package org.signsgd.cli;

import java.util.List;
import org.signsgd.job.EngineKind;
import org.signsgd.job.JobSpec;
import org.signsgd.job.MemoryEstimate;

/**
 * Before Spark starts on a local master, where every worker of a run lives in this JVM: each run must fit in
 * this JVM's memory, shared by the runs in flight at once (a sweep's in-process runs), or the command refuses
 * it in one line ({@link MemoryEstimate}). On a cluster the executors' memory is the launcher's to size.
 */
final class LocalMemory {
  private LocalMemory() {}

  /** @param inFlight in-process runs at a time (1 for train) */
  static void require(List<JobSpec> runs, String file, String master, int inFlight) {
    if (master == null || !master.startsWith("local")) {
      return;
    }
    long heap = Runtime.getRuntime().maxMemory();
    for (JobSpec spec : runs) {
      MemoryEstimate.require(spec, file, spec.engine() == EngineKind.INPROCESS ? heap / Math.max(1, inFlight) : heap);
    }
  }
}
