package org.signsgd.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** split: shared (seed 003's one shared loader) and augment: hflip (its Fashion-MNIST transform). */
class SharedLoaderTest {
  @Test
  void everyWorkerDrawsDistinctSamplesFromTheWholeSetReproducibly() {
    Shards shared = Shards.shared(1000, 5, 7);
    assertThat(shared.shardSize(3)).isEqualTo(1000);
    int[] a = shared.batch(2, 11, 83);
    assertThat(a).hasSize(83).doesNotHaveDuplicates();
    assertThat(Arrays.stream(a).allMatch(i -> i >= 0 && i < 1000)).isTrue();
    assertThat(Shards.shared(1000, 5, 7).batch(2, 11, 83)).containsExactly(a);
    assertThat(shared.batch(3, 11, 83)).isNotEqualTo(a);
    assertThat(shared.batch(2, 12, 83)).isNotEqualTo(a);
    // a batch as large as the set is a permutation of it
    assertThat(Shards.shared(10, 1, 1).batch(0, 0, 50)).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    // over many batches every sample comes up, about equally often (IID draws from the whole set)
    int[] counts = new int[1000];
    for (int t = 0; t < 600; t++) {
      for (int i : shared.batch(t % 5, t, 83)) {
        counts[i]++;
      }
    }
    assertThat(Arrays.stream(counts).min().getAsInt()).isPositive();
    assertThat(Arrays.stream(counts).max().getAsInt()).isLessThan(100); // mean 49.8, sd ~7
  }

  @Test
  void floydDrawsKDistinctIndices() {
    Set<Integer> seen = new HashSet<>();
    for (int i : Shards.floyd(20, 20, new SplittableRandom(3))) {
      seen.add(i);
    }
    assertThat(seen).hasSize(20);
  }

  @Test
  void horizontalFlipMirrorsRowsOrLeavesTheImage() {
    float[] img = new float[ImageDataset.PIXELS];
    for (int k = 0; k < img.length; k++) {
      img[k] = k;
    }
    int flipped = 0;
    SplittableRandom rng = new SplittableRandom(5);
    for (int trial = 0; trial < 200; trial++) {
      float[] x = img.clone();
      HorizontalFlip.apply(x, rng);
      if (x[0] == 27) {
        flipped++;
        assertThat(x[27]).isZero();
        assertThat(x[28 * 5 + 3]).isEqualTo(28 * 5 + 24);
        HorizontalFlip.apply(x, new java.util.Random(0) {
          @Override
          public boolean nextBoolean() {
            return true;
          }
        });
        assertThat(x).containsExactly(img);
      } else {
        assertThat(x).containsExactly(img);
      }
    }
    assertThat(flipped).isBetween(70, 130);
  }
}
