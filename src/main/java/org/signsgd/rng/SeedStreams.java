package org.signsgd.rng;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Every random draw of a run comes from a stream named by (job seed, iteration, worker, purpose), so that the
 * same job and seed give the same draws on any master, any number of executors and in any task order.
 *
 * <p>The four numbers are mixed with the SplitMix64 finaliser (Steele, Lea, Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014) and seed a JDK 17 {@code L64X128MixRandom} (JEP 356).
 * No global {@code Random} is used anywhere.
 */
public final class SeedStreams {

  /** What a stream is used for; streams of different purposes never share draws. */
  public enum Purpose {
    SAMPLE(0x5A4D_504C_4500L),
    NOISE(0x4E4F_4953_4500L),
    DROPOUT(0x4452_4F50_0000L),
    ATTACK(0x4154_5441_434BL),
    TIE(0x5449_4500_0000L),
    BYZANTINE_SET(0x4259_5A00_0000L),
    INIT(0x494E_4954_0000L),
    DATA(0x4441_5441_0000L),
    AUGMENT(0x4155_474D_0000L),
    /** The fixed training batches that set batch-norm statistics before an evaluation. */
    BN_CALIBRATION(0x424E_4341_4C00L);

    final long salt;

    Purpose(long salt) {
      this.salt = salt;
    }
  }

  /** Marks a draw that belongs to no worker (the driver's own draws). */
  public static final int DRIVER = -1;

  private static final RandomGeneratorFactory<RandomGenerator> FACTORY =
      RandomGeneratorFactory.of("L64X128MixRandom");

  private SeedStreams() {}

  /** A fresh generator for one (seed, iteration, worker, purpose); equal arguments give equal streams. */
  public static RandomGenerator of(long seed, long iteration, int worker, Purpose purpose) {
    return FACTORY.create(mixedSeed(seed, iteration, worker, purpose));
  }

  /**
   * The stream of coordinate chunk {@code chunk} (the server's work is cut into fixed chunks of coordinates, so
   * that it gives the same draws wherever each chunk runs); chunk 0 is {@link #of(long, long, int, Purpose)}.
   */
  public static RandomGenerator of(long seed, long iteration, int worker, Purpose purpose, int chunk) {
    long h = mixedSeed(seed, iteration, worker, purpose);
    return FACTORY.create(chunk == 0 ? h : mix64(h ^ (0xC4A7_0000_0000_0000L | chunk)));
  }

  /** The 64-bit seed a stream starts from. */
  public static long mixedSeed(long seed, long iteration, int worker, Purpose purpose) {
    long h = mix64(seed ^ purpose.salt);
    h = mix64(h ^ iteration);
    return mix64(h ^ (worker & 0xFFFF_FFFFL) ^ ((long) worker << 40));
  }

  /** SplitMix64 finaliser (Stafford's Mix13 constants). */
  static long mix64(long z) {
    z += 0x9E37_79B9_7F4A_7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
    return z ^ (z >>> 31);
  }
}
