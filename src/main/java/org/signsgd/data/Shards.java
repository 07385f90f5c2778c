package org.signsgd.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.Well19937c;
import org.signsgd.rng.SeedStreams;

/**
 * Sharding of n training samples over Q workers and deterministic minibatches. IID: the samples are permuted
 * once from the seed and cut into Q contiguous chunks (Mengoli et al. 2025, Table 3: "the train set split into
 * Q chunks"). Non-IID: {@link #dirichlet} (Hsu, Qi, Brown 2019, "Measuring the effects of non-identical data
 * distribution": every class is split over the workers in proportions p ~ Dir(α·1_Q)). A worker's minibatch
 * at iteration t is drawn without replacement from its shard with the stream (seed, t, worker, SAMPLE).
 */
public final class Shards implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final int[][] shards;
  private final long seed;
  /** For {@link #shared}: the training set's size (every worker draws from all of it); 0 otherwise. */
  private final int shared;

  /** IID: a seeded permutation of 0..samples−1 cut into Q contiguous chunks. */
  public Shards(int samples, int workers, long seed) {
    if (workers < 1 || samples < workers) {
      throw new IllegalArgumentException("sharding: " + samples + " samples over " + workers
          + " workers; allowed: at least one sample per worker");
    }
    this.seed = seed;
    this.shared = 0;
    int[] perm = permutation(samples, SeedStreams.of(seed, 0, SeedStreams.DRIVER, SeedStreams.Purpose.SAMPLE));
    shards = new int[workers][];
    for (int w = 0; w < workers; w++) {
      int from = (int) ((long) samples * w / workers);
      int to = (int) ((long) samples * (w + 1) / workers);
      shards[w] = Arrays.copyOfRange(perm, from, to);
    }
  }

  private Shards(int[][] shards, long seed, int shared) {
    this.shards = shards;
    this.seed = seed;
    this.shared = shared;
  }

  /**
   * Shared: every worker draws its minibatch from the whole training set, as from one shared, reshuffled loader
   * (El Mhamdi et al. 2021's {@code reproduce.py}): IID draws, without replacement within a batch.
   */
  public static Shards shared(int samples, int workers, long seed) {
    if (workers < 1 || samples < 1) {
      throw new IllegalArgumentException("sharding: " + samples + " samples over " + workers + " workers");
    }
    return new Shards(new int[workers][], seed, samples);
  }

  /**
   * Non-IID: for every class c, proportions p_c ~ Dir(α, ..., α) over the Q workers (Gamma(α, 1) draws,
   * normalised), and the class's samples, in a seeded order, cut in those proportions. Small α gives each
   * worker few classes; large α tends to IID. A worker left with no sample is an error (raise α).
   */
  public static Shards dirichlet(int[] labels, int classes, int workers, double alpha, long seed) {
    if (!(alpha > 0) || alpha > 1e6) {
      throw new IllegalArgumentException("sharding: dirichlet alpha=" + alpha + "; allowed: 0 < alpha <= 1e6");
    }
    RandomGenerator rng = SeedStreams.of(seed, 0, SeedStreams.DRIVER, SeedStreams.Purpose.DATA);
    GammaDistribution gamma = new GammaDistribution(new Well19937c(rng.nextLong()), alpha, 1.0);
    List<List<Integer>> parts = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      parts.add(new ArrayList<>());
    }
    int[] perm = permutation(labels.length, rng);
    for (int c = 0; c < classes; c++) {
      List<Integer> members = new ArrayList<>();
      for (int i : perm) {
        if (labels[i] == c) {
          members.add(i);
        }
      }
      double[] p = new double[workers];
      double total = 0;
      for (int w = 0; w < workers; w++) {
        p[w] = gamma.sample();
        total += p[w];
      }
      double cumulative = 0;
      int from = 0;
      for (int w = 0; w < workers; w++) {
        cumulative += p[w] / total;
        int to = w == workers - 1 ? members.size() : (int) Math.round(cumulative * members.size());
        parts.get(w).addAll(members.subList(from, Math.max(from, to)));
        from = Math.max(from, to);
      }
    }
    int[][] shards = new int[workers][];
    for (int w = 0; w < workers; w++) {
      if (parts.get(w).isEmpty()) {
        throw new IllegalArgumentException("sharding: dirichlet alpha=" + alpha + " left worker " + w
            + " with no sample; allowed: a larger alpha, or fewer workers");
      }
      shards[w] = parts.get(w).stream().mapToInt(Integer::intValue).toArray();
    }
    return new Shards(shards, seed, 0);
  }

  private static int[] permutation(int n, RandomGenerator rng) {
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    return perm;
  }

  /** The sample indices of worker w's shard. */
  public int[] shard(int worker) {
    return shared > 0 ? java.util.stream.IntStream.range(0, shared).toArray() : shards[worker].clone();
  }

  public int workers() {
    return shards.length;
  }

  public int shardSize(int worker) {
    return shared > 0 ? shared : shards[worker].length;
  }

  /** The sample indices of worker w's minibatch at iteration t (n capped at the shard size). */
  public int[] batch(int worker, long iteration, int batchSize) {
    if (shared > 0) {
      return floyd(shared, Math.min(batchSize, shared),
          SeedStreams.of(seed, iteration, worker, SeedStreams.Purpose.SAMPLE));
    }
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
    return Arrays.copyOf(pool, n);
  }

  /** k distinct indices of 0..n−1, in draw order (Floyd's algorithm: k draws, no n-sized pool). */
  static int[] floyd(int n, int k, RandomGenerator rng) {
    java.util.Set<Integer> chosen = new java.util.HashSet<>(2 * k);
    int[] out = new int[k];
    int c = 0;
    for (int j = n - k; j < n; j++) {
      int r = rng.nextInt(j + 1);
      int pick = chosen.add(r) ? r : j;
      if (pick == j) {
        chosen.add(j);
      }
      out[c++] = pick;
    }
    return out;
  }
}
