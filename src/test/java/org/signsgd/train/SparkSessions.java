package org.signsgd.train;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** One SparkSession per test JVM, restarted only when a test needs another master. */
public final class SparkSessions {
  private static SparkSession current;
  private static String master;

  private SparkSessions() {}

  public static synchronized SparkSession get(String wanted) {
    return get(wanted, Map.of());
  }

  /** The session of this master, with these settings when it has to be started. */
  public static synchronized SparkSession get(String wanted, Map<String, String> conf) {
    if (current != null && current.sparkContext().isStopped()) {
      current = null; // a command (train, analyze) run in this JVM stops its session when it ends
      master = null;
    }
    if (current != null && !wanted.equals(master)) {
      stop();
    }
    if (current == null) {
      current = Sessions.start(wanted, conf);
      master = wanted;
    }
    return current;
  }

  public static synchronized void stop() {
    if (current != null) {
      current.stop();
      current = null;
      master = null;
    }
  }
}
