package org.signsgd.train;

import org.apache.spark.sql.SparkSession;

/** One SparkSession per test JVM, restarted only when a test needs another master. */
public final class SparkSessions {
  private static SparkSession current;
  private static String master;

  private SparkSessions() {}

  public static synchronized SparkSession get(String wanted) {
    if (current != null && !wanted.equals(master)) {
      current.stop();
      current = null;
    }
    if (current == null) {
      current = Sessions.start(wanted);
      master = wanted;
    }
    return current;
  }
}
