package org.signsgd.attack;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.signsgd.rng.SeedStreams;

/**
 * Which workers are Byzantine: B of 0..Q−1 drawn uniformly from the job seed (a partial Fisher–Yates shuffle of
 * the driver's BYZANTINE_SET stream), fixed for the run and recorded in its provenance.
 */
public final class ByzantineSet {
  private ByzantineSet() {}

  /** The sorted ids of the B Byzantine workers among Q. */
  public static int[] draw(long seed, int workers, int byzantine) {
    if (workers < 1 || byzantine < 0 || byzantine > workers) {
      throw new IllegalArgumentException("Byzantine set: B=" + byzantine + " of Q=" + workers
          + "; allowed: Q >= 1 and 0 <= B <= Q");
    }
    RandomGenerator rng = SeedStreams.of(seed, 0, SeedStreams.DRIVER, SeedStreams.Purpose.BYZANTINE_SET);
    int[] ids = new int[workers];
    for (int i = 0; i < workers; i++) {
      ids[i] = i;
    }
    for (int i = 0; i < byzantine; i++) {
      int j = i + rng.nextInt(workers - i);
      int t = ids[i];
      ids[i] = ids[j];
      ids[j] = t;
    }
    int[] chosen = Arrays.copyOf(ids, byzantine);
    Arrays.sort(chosen);
    return chosen;
  }
}
