package org.signsgd.bench;

import java.util.Arrays;

/** Wall-clock helpers for the bench: warm up, then the median of repeated runs. */
final class Measure {
  private Measure() {}

  /** Median milliseconds of {@code reps} runs after {@code warmup} unmeasured ones. */
  static double medianMs(int warmup, int reps, Runnable work) {
    for (int i = 0; i < warmup; i++) {
      work.run();
    }
    double[] ms = new double[reps];
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      work.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    return median(ms);
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
