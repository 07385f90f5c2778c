package org.signsgd.job;

import java.util.Locale;
import org.signsgd.aggregate.FederatedDefense;
import org.signsgd.aggregate.Rules;
import org.signsgd.message.MessageKind;
import org.signsgd.model.Models;

/**
 * The memory a run needs when all its workers share one JVM (a local master, or the in-process engine), from the
 * vectors it holds, for d parameters, Q workers and 4-byte floats:
 * <pre>
 *   bytes = Q · (4d + 4d + 4d)    each worker's replica x, momentum v and gradient g
 *         + 2 · Q · m             each worker's message and the driver's collected copy: m = 8·⌈d/64⌉ for a
 *                                 sign message (packed bits), 4d for a dense one; Q · m when the server's work
 *                                 is sharded ({@link AutoAggregation}), as the driver then collects no message
 *         + Q · r                 the rule's working set: dense rules combine the messages in double, one chunk of
 *                                 65,536 coordinates at a time, r = 8·min(d, 65,536) (8d for a rule or an attack
 *                                 that cannot run chunk by chunk: none registered today);
 *                                 sign-fd and sign-fv keep agreement counts, 2 bytes per coordinate (4 with
 *                                 gamma &lt; 1), and a round writes new counts while it reads the old ones:
 *                                 r = 2 · 2d (2 · 4d); sharded, between checkpoints, a third generation may
 *                                 stay persisted (in memory or spilled to disk)
 *         + 4d + 4d               the driver's replica x and the direction
 *         + 8d                    centered clipping's centre, alone or under a pre-aggregator (kept by the chunks)
 * </pre>
 * The data set, a network's activations and the JVM's own memory come on top: a run this passes can still run
 * out of memory, and a run it refuses would fail, or spend its time collecting garbage, long before its end.
 */
public final class MemoryEstimate {
  private MemoryEstimate() {}

  /** The bytes of the formula above for {@code spec}. */
  public static long bytes(JobSpec spec) {
    return bytes(spec, Models.dimension(spec.model()), spec.workers());
  }

  static long bytes(JobSpec spec, long d, long workers) {
    org.signsgd.aggregate.Aggregator aggregator = Rules.create(spec.aggregator());
    org.signsgd.attack.Attack attack = org.signsgd.attack.Attacks.create(spec.attack());
    boolean sign = aggregator.kind() == MessageKind.SIGN;
    long message = messageBytes(sign, d);
    // a dense rule works chunk by chunk when it and the attack can (every registered one can, today)
    boolean chunked = AutoAggregation.shardable(aggregator, attack);
    long rule = sign ? signRuleBytes(spec, d) : 8 * (chunked ? Math.min(d, org.signsgd.server.Chunks.SIZE) : d);
    long copies = AutoAggregation.sharded(spec, aggregator, attack, d) ? 1 : 2;
    // centered clipping's centre (alone or under a pre-aggregator): d doubles, kept by the chunks
    long centre = !sign && aggregator.chunkStateful() != null ? 8 * d : 0;
    return workers * (12 * d + copies * message + rule) + 8 * d + centre;
  }

  /** One message's bytes: packed signs (8 bytes per 64 coordinates), or d floats. */
  public static long messageBytes(boolean sign, long d) {
    return sign ? 8 * ((d + 63) / 64) : 4 * d;
  }

  private static long signRuleBytes(JobSpec spec, long d) {
    String name = spec.aggregator().name();
    if (!name.equals(FederatedDefense.NAME) && !name.equals(FederatedDefense.NAME_MV_INIT)) {
      return 0;
    }
    // the counts before the round and after it (a task that runs again reads the old ones, which stay unchanged)
    Object gamma = spec.aggregator().params().get("gamma");
    return 2 * (gamma instanceof Number g && g.doubleValue() < 1 ? 4 * d : 2 * d);
  }

  /**
   * Refuses, in one line, a run that needs more than {@code availableBytes} (for a local master,
   * {@code Runtime.getRuntime().maxMemory()}), naming the estimate and what would fit: the largest
   * dimension with these workers (for the quadratic, whose {@code dim} is a setting), or the most workers.
   */
  public static void require(JobSpec spec, String file, long availableBytes) {
    long d = Models.dimension(spec.model());
    long need = bytes(spec, d, spec.workers());
    if (need <= availableBytes) {
      return;
    }
    StringBuilder fits = new StringBuilder();
    if (spec.model().name().equals("quadratic")) {
      long dim = largestDimension(spec, availableBytes);
      fits.append(dim < 1 ? "no dim fits " + spec.workers() + " workers"
          : String.format(Locale.ROOT, "%d workers fit with dim <= %,d", spec.workers(), dim));
    }
    long workers = mostWorkers(spec, d, availableBytes);
    fits.append(fits.length() == 0 ? "" : ", or ").append(workers < 1 ? "not even 1 worker fits"
        : workers + (workers == 1 ? " worker fits" : " workers fit") + " with this d");
    throw new JobException(file, "model", String.format(Locale.ROOT, "needs about %s with its %d workers in one "
        + "JVM (%s, d = %,d), but %s is available; %s; give the JVM more memory (-Xmx) or run on a cluster",
        size(need), spec.workers(), spec.model().name(), d, size(availableBytes), fits));
  }

  /**
   * The largest d such that every d up to it fits, by bisection. The bytes grow with d except at auto's threshold,
   * where a dense rule starts to shard and drops the collected copy, so a d past it needs at least what the d just
   * below it does (the most any smaller d needs).
   */
  private static long largestDimension(JobSpec spec, long available) {
    long lo = 0;
    long hi = 100_000_000;
    long below = AutoAggregation.SHARDED_FROM_DIMENSION - 1L;
    while (lo < hi) {
      long mid = (lo + hi + 1) / 2;
      long need = bytes(spec, mid, spec.workers());
      if (mid > below) {
        need = Math.max(need, bytes(spec, below, spec.workers()));
      }
      if (need <= available) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  private static long mostWorkers(JobSpec spec, long d, long available) {
    long perWorker = bytes(spec, d, 1) - bytes(spec, d, 0);
    long rest = available - bytes(spec, d, 0);
    return rest < perWorker ? 0 : rest / perWorker;
  }

  /** "61.3 GiB". */
  public static String size(long bytes) {
    String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? bytes + " bytes" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
