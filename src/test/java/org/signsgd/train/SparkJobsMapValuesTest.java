package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * A sharded chunk-stateful rule's new states are its round's results through {@link SparkJobs#mapValues}: they must
 * stay in the shard of their chunk (the next iteration pairs each shard's chunks with its own states, partition by
 * partition), with their keys and their values mapped.
 */
class SparkJobsMapValuesTest {
  @Test
  void mapsTheValuesAndKeepsEveryKeyInItsPartition() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkSessions.get("local[2]").sparkContext());
    JavaPairRDD<Integer, String> chunks = jsc.parallelizePairs(List.of(new Tuple2<>(0, "a"), new Tuple2<>(1, "bb"),
        new Tuple2<>(2, "ccc"), new Tuple2<>(3, "dddd"), new Tuple2<>(4, "eeeee")), 2)
        .partitionBy(new HashPartitioner(3));
    JavaPairRDD<Integer, Integer> lengths = SparkJobs.mapValues(chunks, String::length);
    assertThat(lengths.partitioner().isPresent()).isTrue();
    assertThat(lengths.partitioner().get()).isEqualTo(new HashPartitioner(3));
    // chunk j in shard j mod 3, as before the map
    List<List<Tuple2<Integer, Integer>>> shards = lengths.glom().collect();
    assertThat(shards).hasSize(3);
    assertThat(shards.get(0)).containsExactlyInAnyOrder(new Tuple2<>(0, 1), new Tuple2<>(3, 4));
    assertThat(shards.get(1)).containsExactlyInAnyOrder(new Tuple2<>(1, 2), new Tuple2<>(4, 5));
    assertThat(shards.get(2)).containsExactly(new Tuple2<>(2, 3));
  }
}
