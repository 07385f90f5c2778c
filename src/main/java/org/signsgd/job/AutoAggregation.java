package org.signsgd.job;

import org.signsgd.aggregate.Aggregator;
import org.signsgd.attack.Attack;
import org.signsgd.message.MessageKind;

/**
 * {@code aggregation: auto}'s choice between the driver and the shards, which the Spark engine makes and the local
 * memory check foresees (a sharded run's driver collects no copy of the messages).
 */
public final class AutoAggregation {
  /** The d from which auto shards the server's work (below it the shards' jobs cost more than the driver's pass). */
  public static final int SHARDED_FROM_DIMENSION = 1 << 20;

  private AutoAggregation() {}

  /** True when the rule and the attack run chunk by chunk, so that the server's work can be sharded. */
  public static boolean shardable(Aggregator rule, Attack attack) {
    return rule.shardable() && attack.shardable();
  }

  /**
   * True when sharding pays for itself at a large d: the rule reads dense messages (Q × 4d bytes the driver need not
   * collect, and a pass over them it need not make alone) or keeps state over all of d (signSGD-FD's Q × d counts).
   * A stateless sign rule does not: its Q messages are d/8 bytes each and its pass is a popcount, cheaper on the
   * driver than the shards' jobs (majority-vote at d = 25.6M and Q = 27 on local[2]: a 0.05 s step on the driver,
   * 0.09 s sharded reading the messages in place).
   */
  public static boolean pays(Aggregator rule, Attack attack) {
    return shardable(rule, attack) && (rule.kind() == MessageKind.DENSE || rule.chunkStateful() != null);
  }

  /** auto's choice: sharded when sharding pays, d is large enough and the job does not ask for resident workers. */
  public static boolean sharded(boolean pays, long dimension, boolean residentWorkers) {
    return pays && dimension >= SHARDED_FROM_DIMENSION && !residentWorkers;
  }

  /**
   * Whether a run of {@code spec} shards its server's work: never on the in-process engine; else as its
   * {@code aggregation} says, or auto's choice.
   */
  public static boolean sharded(JobSpec spec, Aggregator rule, Attack attack, long dimension) {
    if (spec.engine() == EngineKind.INPROCESS) {
      return false;
    }
    return sharded(spec.aggregation(), pays(rule, attack), dimension, spec.residentWorkers());
  }

  /**
   * The choice on a Spark engine: as {@code aggregation} says ({@code sharded}, {@code driver}), or for {@code auto}
   * {@link #sharded(boolean, long, boolean)} with whether sharding {@code pays} and the job's
   * {@code resident_workers} setting.
   */
  public static boolean sharded(String aggregation, boolean pays, long dimension, String residentWorkers) {
    return switch (aggregation) {
      case "sharded" -> true;
      case "driver" -> false;
      default -> sharded(pays, dimension, "true".equals(residentWorkers));
    };
  }
}
