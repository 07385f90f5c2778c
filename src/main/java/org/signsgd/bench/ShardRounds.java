package org.signsgd.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.storage.RDDInfo;
import org.signsgd.train.ShardedServer;
import scala.collection.JavaConverters;

/**
 * The Spark jobs of the sharded server's rounds (the jobs of an RDD named {@link ShardedServer#RDD_NAME}), in the
 * order they ended: each job's time from its submission to its end on the scheduler's clock, and the run time on its
 * executor of the slowest task of the shards' stage (reading its chunks, the server's work on them, building the
 * results; a shuffle stage of the same job, which cuts the chunks on a cluster, is not that stage). With no more
 * shards than cores (one wave of tasks) on a local master, where the shards read the messages in place, what lies
 * between the two is Spark's: scheduling, shipping the tasks, the results' way back to the driver, and the driver's
 * handling of each result but the last (the job ends before it hands over the last). On a cluster the first round's
 * job also holds the shuffle's map stage.
 */
final class ShardRounds extends SparkListener {
  /**
   * A round's job: when it was submitted (epoch ms), its wall time and its slowest task's run time (ms), the shards'
   * tasks and the bytes of their results together.
   */
  record Round(long submittedAt, long jobMs, long slowestTaskMs, int tasks, long resultBytes) {}

  private final Map<Integer, Long> submitted = new ConcurrentHashMap<>();
  private final Map<Integer, Integer> jobOfStage = new ConcurrentHashMap<>();
  private final Map<Integer, Long> slowest = new ConcurrentHashMap<>();
  private final Map<Integer, Integer> tasks = new ConcurrentHashMap<>();
  private final Map<Integer, Long> bytes = new ConcurrentHashMap<>();
  private final List<Round> rounds = new ArrayList<>();

  @Override
  public void onJobStart(SparkListenerJobStart start) {
    for (StageInfo s : JavaConverters.seqAsJavaList(start.stageInfos())) {
      if (JavaConverters.seqAsJavaList(s.rddInfos()).stream().map(RDDInfo::name)
          .anyMatch(ShardedServer.RDD_NAME::equals)) {
        submitted.put(start.jobId(), start.time());
        jobOfStage.put(s.stageId(), start.jobId());
        tasks.put(start.jobId(), s.numTasks());
      }
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    Integer job = jobOfStage.get(end.stageId());
    // a failed or killed attempt runs again: only the attempt whose result the round used counts
    if (job != null && end.taskMetrics() != null && end.reason() instanceof org.apache.spark.Success$) {
      slowest.merge(job, end.taskMetrics().executorRunTime(), Math::max);
      bytes.merge(job, end.taskMetrics().resultSize(), Long::sum);
    }
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd end) {
    Long at = submitted.remove(end.jobId());
    if (at != null) {
      jobOfStage.values().removeIf(job -> job == end.jobId());
      Long task = slowest.remove(end.jobId());
      Integer n = tasks.remove(end.jobId());
      Long b = bytes.remove(end.jobId());
      synchronized (rounds) {
        rounds.add(new Round(at, end.time() - at, task == null ? 0L : task, n == null ? 0 : n, b == null ? 0L : b));
      }
    }
  }

  /** The rounds' jobs so far, in the order they ended. */
  List<Round> rounds() {
    synchronized (rounds) {
      return List.copyOf(rounds);
    }
  }
}
