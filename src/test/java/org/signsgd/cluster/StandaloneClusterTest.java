package org.signsgd.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.job.JobSpec;
import org.signsgd.train.Driver;
import org.signsgd.train.IterationRow;
import org.signsgd.train.SparkEngine;
import org.signsgd.train.SparkSessions;
import org.signsgd.train.TestJobs;

/**
 * The toy job on a real standalone cluster (a master and two workers on 127.0.0.1, authenticated) gives the same
 * {@code iterations/} rows, timing aside, as on local[2] (DESIGN §5, issue 7).
 */
class StandaloneClusterTest {
  @TempDir
  static Path dir;

  private static StandaloneCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new StandaloneCluster(dir, 2, 1);
  }

  @AfterAll
  static void stop() {
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
}
