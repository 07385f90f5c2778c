package org.signsgd.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ByzantineSetTest {
  @Test
  void drawIsDeterministicSortedAndDistinct() {
    int[] a = ByzantineSet.draw(8005, 27, 13);
    assertThat(a).isEqualTo(ByzantineSet.draw(8005, 27, 13));
    assertThat(a).hasSize(13).isSorted().doesNotHaveDuplicates();
    assertThat(Arrays.stream(a).allMatch(w -> w >= 0 && w < 27)).isTrue();
    assertThat(ByzantineSet.draw(8006, 27, 13)).isNotEqualTo(a);
    assertThat(ByzantineSet.draw(1, 27, 0)).isEmpty();
    assertThat(ByzantineSet.draw(1, 5, 5)).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void everyWorkerIsChosenAboutEquallyOften() {
    int[] hits = new int[9];
    for (int seed = 0; seed < 3000; seed++) {
      for (int w : ByzantineSet.draw(seed, 9, 3)) {
        hits[w]++;
      }
    }
    // each worker: Bin(3000, 1/3), mean 1000, sd 25.8
    for (int h : hits) {
      assertThat(h).isBetween(880, 1120);
    }
  }

  @Test
  void badCountsAreOneLineErrors() {
    assertThatThrownBy(() -> ByzantineSet.draw(1, 27, 28))
        .hasMessage("Byzantine set: B=28 of Q=27; allowed: Q >= 1 and 0 <= B <= Q");
  }
}
