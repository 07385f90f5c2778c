package org.signsgd.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.job.JobSpec;
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
