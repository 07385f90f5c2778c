package org.signsgd.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * dnc's coordinates are Floyd's sampling: b draws j = d − b … d − 1 of t uniform in [0, j], t chosen unless it was,
 * else j. Every chunk of a sharded round draws them, so they are kept in a table of ints (sparse b) or a bit set
 * (dense b); both must give the draws of the algorithm as stated, here a TreeSet of the chosen coordinates.
 */
class DncDrawsTest {
  private static int[] floyd(int d, int b, RandomGenerator rng) {
    TreeSet<Integer> chosen = new TreeSet<>();
    for (int j = d - b; j < d; j++) {
      int t = rng.nextInt(j + 1);
      chosen.add(chosen.contains(t) ? j : t);
    }
    return chosen.stream().mapToInt(Integer::intValue).toArray();
  }

  @Test
  void theDrawsAreFloydsInBothTables() {
    Random cases = new Random(3);
    int sparse = 0;
    int dense = 0;
    for (int i = 0; i < 2000; i++) {
      // small d: any b (mostly the bit set); large d: b < d/100 (the table of ints)
      int d = 2 + cases.nextInt(i % 2 == 0 ? 2000 : 200_000);
      int b = 1 + cases.nextInt(d <= 2001 ? d - 1 : d / 100);
      long seed = cases.nextLong();
      int[] drawn = DivideAndConquer.coordinates(d, b, new Random(seed));
      assertThat(drawn).as("d=%d b=%d seed=%d", d, b, seed).containsExactly(floyd(d, b, new Random(seed)));
      assertThat(drawn).hasSize(b);
      if (b >= d / 64) {
        dense++;
      } else {
        sparse++;
      }
    }
    assertThat(sparse).isGreaterThan(500);
    assertThat(dense).isGreaterThan(500);
    // b = d takes every coordinate and draws nothing
    Random r = new Random(1);
    assertThat(DivideAndConquer.coordinates(5, 5, r)).containsExactly(0, 1, 2, 3, 4);
    assertThat(r.nextInt(100)).isEqualTo(new Random(1).nextInt(100));
  }
}
