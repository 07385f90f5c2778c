package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** What a session sets from the Spark settings it is given. */
class SessionsTest {
  /** The project's store for local tables, unless the settings name a log store of their own (kept as set). */
  @Test
  void theLocalLogStoreIsSetUnlessTheSettingsNameOne() {
    assertThat(Sessions.setsLocalLogStore(new SparkConf(false))).isTrue();
    assertThat(Sessions.setsLocalLogStore(new SparkConf(false).set("spark.delta.logStore.class",
        "io.delta.storage.HDFSLogStore"))).isFalse();
    assertThat(Sessions.setsLocalLogStore(new SparkConf(false).set("spark.delta.logStore.file.impl",
        "io.delta.storage.LocalLogStore"))).isFalse();
    // another scheme's store leaves local tables to this one
    assertThat(Sessions.setsLocalLogStore(new SparkConf(false).set("spark.delta.logStore.s3a.impl",
        "io.delta.storage.S3DynamoDBLogStore"))).isTrue();
  }

  /**
   * A broadcast is cut into pieces that fit the collector's heap regions: a 12 MB direction's first piece is 4,095
   * kB, which with its array's 16-byte header fills four 1 MB regions (Spark's 4 MB piece needed five).
   */
  @Test
  void broadcastPiecesFitTheHeapsRegions() {
    // a piece size of the settings' own (spark-submit's --conf, or the ones given) is kept
    assertThat(Sessions.setsBroadcastBlock(new SparkConf(false))).isTrue();
    assertThat(Sessions.setsBroadcastBlock(new SparkConf(false).set(Sessions.BROADCAST_BLOCK_SIZE, "8m"))).isFalse();
    var spark = SparkSessions.get("local[2]");
    assertThat(spark.sparkContext().getConf().get(Sessions.BROADCAST_BLOCK_SIZE)).isEqualTo("4095k");
    float[] direction = new float[3_000_000];
    java.util.Random random = new java.util.Random(1);
    for (int i = 0; i < direction.length; i++) {
      direction[i] = (float) random.nextGaussian(); // random floats: compressed, still more than one piece
    }
    var b = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(direction);
    try {
      long piece = org.apache.spark.SparkEnv.get().blockManager()
          .getStatus(new org.apache.spark.storage.BroadcastBlockId(b.id(), "piece0")).get().memSize();
      assertThat(piece).isEqualTo(4095 * 1024L);
    } finally {
      b.destroy();
    }
  }

  @Test
  void oneJvmMastersAreTheLocalOnes() {
    assertThat(Sessions.oneJvm("local")).isTrue();
    assertThat(Sessions.oneJvm("local[*]")).isTrue();
    assertThat(Sessions.oneJvm("local[4, 2]")).isTrue();
    assertThat(Sessions.oneJvm("local-cluster[2,1,1024]")).isFalse();
    assertThat(Sessions.oneJvm("spark://127.0.0.1:7077")).isFalse();
    assertThat(Sessions.oneJvm(null)).isFalse();
  }
}
