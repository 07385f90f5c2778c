package org.signsgd.data;

import java.util.random.RandomGenerator;

/**
 * Random horizontal flip with probability 1/2 (torchvision RandomHorizontalFlip), seed 003's only Fashion-MNIST
 * training transform (El Mhamdi, Guerraoui, Rouault, ICLR 2021; its code's {@code reproduce.py}). One draw from the
 * caller's stream, (seed, iteration, worker, AUGMENT), per image.
 */
public final class HorizontalFlip {
  private HorizontalFlip() {}

  /** Mirrors the 28×28 image left to right, in place, when the draw says so. */
  public static void apply(float[] pixels, RandomGenerator rng) {
    if (!rng.nextBoolean()) {
      return;
    }
    int n = ImageDataset.ROWS;
    for (int r = 0; r < n; r++) {
      for (int c = 0, e = n - 1; c < e; c++, e--) {
        float t = pixels[r * n + c];
        pixels[r * n + c] = pixels[r * n + e];
        pixels[r * n + e] = t;
      }
    }
  }
}
