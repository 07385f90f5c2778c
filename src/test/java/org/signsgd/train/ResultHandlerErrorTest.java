package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The sharded server places each shard's result as it arrives, in Spark's scheduler thread. An error there, even
 * an OutOfMemoryError (fatal to that thread), comes back on the caller's thread once the job has ended, and the
 * context keeps running jobs; thrown in the scheduler's thread it would have left every later job waiting forever.
 */
class ResultHandlerErrorTest {
  @Test
  void anErrorWhilePlacingAResultIsThrownOnTheCallersThreadAndSparkGoesOn() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkSessions.get("local[2]").sparkContext());
    JavaRDD<Integer> rdd = jsc.parallelize(List.of(1, 2, 3, 4, 5, 6), 3);
    OutOfMemoryError full = new OutOfMemoryError("Java heap space (thrown by the test)");
    List<List<Integer>> seen = new ArrayList<>();
    // a bound against the hang, not a measurement
    Assertions.assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
      assertThatThrownBy(() -> SparkJobs.forEachPartition(rdd, part -> {
        seen.add(part);
        throw full;
      })).isSameAs(full);
      // the first partition to arrive was handed on, the others were not once one had failed
      assertThat(seen).hasSize(1);
      List<Integer> all = new ArrayList<>();
      SparkJobs.forEachPartition(rdd, all::addAll);
      assertThat(all).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
    });
  }
}
