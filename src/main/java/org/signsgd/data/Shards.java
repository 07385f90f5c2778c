package org.signsgd.data;

import java.util.random.RandomGenerator;
import org.signsgd.rng.SeedStreams;

/**
 * IID sharding of n training samples over Q workers and deterministic minibatches: the samples are permuted
 * once from the seed and cut into Q contiguous chunks (Mengoli et al. 2025, Table 3: "the train set split into
 * Q chunks"); a worker's minibatch at iteration t is drawn without replacement from its chunk with the stream
 * (seed, t, worker, SAMPLE).
 */
public final class Shards implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final int[][] shards;
  private final long seed;

  public Shards(int samples, int workers, long seed) {
    if (workers < 1 || samples < workers) {
      throw new IllegalArgumentException("sharding: " + samples + " samples over " + workers
          + " workers; allowed: at least one sample per worker");
    }
    this.seed = seed;
    int[] perm = new int[samples];
    for (int i = 0; i < samples; i++) {
      perm[i] = i;
    }
    RandomGenerator rng = SeedStreams.of(seed, 0, SeedStreams.DRIVER, SeedStreams.Purpose.SAMPLE);
    for (int i = samples - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    shards = new int[workers][];
    for (int w = 0; w < workers; w++) {
      int from = (int) ((long) samples * w / workers);
      int to = (int) ((long) samples * (w + 1) / workers);
      shards[w] = java.util.Arrays.copyOfRange(perm, from, to);
    }
  }

  public int workers() {
    return shards.length;
  }

  public int shardSize(int worker) {
    return shards[worker].length;
  }

  /** The sample indices of worker w's minibatch at iteration t (n capped at the shard size). */
  public int[] batch(int worker, long iteration, int batchSize) {
    int[] shard = shards[worker];
    int n = Math.min(batchSize, shard.length);
    int[] pool = shard.clone();
    RandomGenerator rng = SeedStreams.of(seed, iteration, worker, SeedStreams.Purpose.SAMPLE);
    for (int i = 0; i < n; i++) {
      int j = i + rng.nextInt(pool.length - i);
      int t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
    }
    return java.util.Arrays.copyOf(pool, n);
  }
}
