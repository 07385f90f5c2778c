package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.signsgd.message.MessageKind;
import org.signsgd.server.Chunks;

/**
 * {@code aggregation_shards: auto}: one shard per core, more when a shard's part of the direction would exceed
 * 16 MB (16,777,216 bytes), never more shards than chunks of 65,536 coordinates.
 */
class DefaultShardsTest {
  private static int shards(int cores, int d, MessageKind kind) {
    return ShardedChunks.defaultShards(cores, Chunks.of(d, false), kind);
  }

  @Test
  void resNet50sDenseDirectionIsCutIntoResultsOfAtMost16MegabytesOnTwoCores() {
    // 4 × 25,557,032 = 102,228,128 bytes; over 2 cores: ⌈102,228,128 / (2 × 16,777,216)⌉ = ⌈3.05⌉ = 4 per core
    assertThat(shards(2, 25_557_032, MessageKind.DENSE)).isEqualTo(8);
    // 102,228,128 / 8 = 12,778,516 bytes a shard, within 16 MB; 6 shards would carry 17,038,022
    assertThat(4L * 25_557_032 / 8).isLessThanOrEqualTo(ShardedChunks.SHARD_RESULT_BYTES);
    // on 16 cores one shard each is already within it: 102,228,128 / 16 = 6,389,258
    assertThat(shards(16, 25_557_032, MessageKind.DENSE)).isEqualTo(16);
  }

  @Test
  void aSignDirectionAndASmallDenseOneKeepOneShardPerCore() {
    // ⌈25,557,032 / 8⌉ = 3,194,629 bytes of signs: within 16 MB on one shard
    assertThat(shards(2, 25_557_032, MessageKind.SIGN)).isEqualTo(2);
    // 4 × 2,000,000 = 8 MB
    assertThat(shards(2, 2_000_000, MessageKind.DENSE)).isEqualTo(2);
    // 4 × 8,388,609 = 33,554,436 bytes: 4 bytes over 2 × 16 MB, so two shards per core
    assertThat(shards(2, 8_388_609, MessageKind.DENSE)).isEqualTo(4);
    assertThat(shards(2, 8_388_608, MessageKind.DENSE)).isEqualTo(2);
  }

  @Test
  void neverMoreShardsThanChunks() {
    // 200,000 coordinates are 4 chunks (3 × 65,536 + 3,392)
    assertThat(shards(64, 200_000, MessageKind.DENSE)).isEqualTo(4);
    assertThat(shards(2, 1_000, MessageKind.DENSE)).isEqualTo(1);
  }
}
