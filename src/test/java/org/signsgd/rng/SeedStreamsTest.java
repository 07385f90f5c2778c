package org.signsgd.rng;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.signsgd.rng.SeedStreams.Purpose;

class SeedStreamsTest {
  @Test
  void equalArgumentsGiveEqualStreams() {
    assertThat(SeedStreams.of(8005, 12, 3, Purpose.SAMPLE).nextLong())
        .isEqualTo(SeedStreams.of(8005, 12, 3, Purpose.SAMPLE).nextLong());
  }

  @Test
  void everyCoordinateOfTheNameChangesTheStream() {
    Set<Long> seeds = new HashSet<>();
    for (long seed = 0; seed < 4; seed++) {
      for (long t = 0; t < 50; t++) {
        for (int w = -1; w < 30; w++) {
          for (Purpose p : Purpose.values()) {
            seeds.add(SeedStreams.mixedSeed(seed, t, w, p));
          }
        }
      }
    }
    assertThat(seeds).hasSize(4 * 50 * 31 * Purpose.values().length);
  }

  /** A fixed value guards against an accidental change of the mixing, which would change every run's metrics. */
  @Test
  void theMixingIsStable() {
    assertThat(SeedStreams.mix64(0)).isEqualTo(0xE220A8397B1DCDAFL);
  }
}
