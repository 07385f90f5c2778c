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
