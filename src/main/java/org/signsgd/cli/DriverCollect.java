package org.signsgd.cli;

import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.network.util.JavaUtils;
import org.signsgd.aggregate.Aggregator;
import org.signsgd.aggregate.Rules;
import org.signsgd.attack.Attack;
import org.signsgd.attack.Attacks;
import org.signsgd.job.AutoAggregation;
import org.signsgd.job.EngineKind;
import org.signsgd.job.JobException;
import org.signsgd.job.JobSpec;
import org.signsgd.job.MemoryEstimate;
import org.signsgd.message.MessageKind;
import org.signsgd.model.Models;
import org.signsgd.train.SparkEngine;

/**
 * Before Spark starts: a run whose server works on the driver collects every worker's message each iteration as one
 * job's task results, and Spark aborts a job whose results add up to more than {@code spark.driver.maxResultSize}
 * (1 GB unless set). A run whose messages alone are more (a dense rule at ResNet-50's d with 27 workers: 2.76 GB)
 * would fail at its first iteration, after its first worker stage; it is refused in one line instead, saying what
 * runs (the shards, where the rule and attack allow) or what limit would do. A run small enough for resident workers
 * (d ≤ 2^20, 2 × Q × d floats ≤ 2^26) that does not set {@code resident_workers: false} is counted by what those
 * collect instead: every worker's x and momentum at each stretch's end, 8 × Q × d bytes (at most 256 MiB; the
 * messages travel over the tasks' own connections, or, where the workers are not resident, are half of that).
 */
final class DriverCollect {
  static final String LIMIT = "spark.driver.maxResultSize";

  private DriverCollect() {}

  /** With the Spark settings of this JVM ({@code spark.*} system properties, as spark-submit passes them). */
  static void refuse(List<JobSpec> runs, String file) {
    refuse(runs, file, new SparkConf());
  }

  static void refuse(List<JobSpec> runs, String file, SparkConf conf) {
    String set = conf.get(LIMIT, "1g");
    long limit;
    try {
      limit = JavaUtils.byteStringAsBytes(set);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(LIMIT + " is '" + set + "', not a size; allowed: bytes or a size such as "
          + "512m or 4g (0 for no limit)");
    }
    if (limit <= 0) {
      return; // Spark's 0: no limit
    }
    for (JobSpec spec : runs) {
      String where = LocalMemory.where(runs, file, spec);
      if (spec.engine() == EngineKind.INPROCESS) {
        continue; // no Spark job collects its messages
      }
      long d = Models.dimension(spec.model());
      Aggregator rule = Rules.create(spec.aggregator());
      Attack attack = Attacks.create(spec.attack());
      if (AutoAggregation.sharded(spec, rule, attack, d)) {
        continue; // the driver collects the direction's chunks, no message
      }
      boolean sign = rule.kind() == MessageKind.SIGN;
      long messages = spec.workers() * MemoryEstimate.messageBytes(sign, d);
      if (!"false".equals(spec.residentWorkers()) && SparkEngine.residentFits(spec.workers(), d)) {
        // resident workers send their messages over connections of their own, but every stretch's end (a
        // checkpoint, a reference iteration, a flush) brings each worker's x and momentum back as task results
        long states = 8L * spec.workers() * d;
        if (states > limit) {
          throw new JobException(where, "resident_workers", String.format(Locale.ROOT, "is %s: at each checkpoint "
              + "the driver collects %d workers' x and momentum (%s), more than %s (%s), and would fail; set "
              + "resident_workers: false, or %s=%s (-D or --conf)", spec.residentWorkers(), spec.workers(),
              MemoryEstimate.size(states), LIMIT, MemoryEstimate.size(limit), LIMIT, suggested(states)));
        }
      } else if (messages > limit) {
        String way = "use aggregation: sharded, or set "; // every rule and attack shards
        throw new JobException(where, "aggregation", String.format(Locale.ROOT, "%s: it collects %d %s messages per "
            + "iteration (%s), more than %s (%s), and would fail; %s%s=%s (-D or --conf)",
            spec.aggregation().equals("driver") ? "is driver" : "is auto, so " + spec.aggregator().name()
                + " runs on the driver", spec.workers(), sign ? "sign" : "dense", MemoryEstimate.size(messages),
            LIMIT, MemoryEstimate.size(limit), way, LIMIT, suggested(messages)));
      }
    }
  }

  /** A limit with a quarter to spare: whole GiB, or MiB below one. */
  private static String suggested(long bytes) {
    double spare = bytes * 1.25;
    return spare >= 1L << 30 ? (long) Math.ceil(spare / (1L << 30)) + "g" : (long) Math.ceil(spare / (1 << 20)) + "m";
  }
}
