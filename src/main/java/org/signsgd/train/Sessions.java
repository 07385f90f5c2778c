package org.signsgd.train;

import org.apache.spark.sql.SparkSession;

/** The SparkSession of a command: loopback-bound, no UI, one BLAS thread per executor (DESIGN §8). */
public final class Sessions {
  private Sessions() {}

  public static SparkSession start(String master) {
    SparkSession.Builder b = SparkSession.builder().appName("signsgd-spark")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.executorEnv.OMP_NUM_THREADS", "1")
        .config("spark.sql.parquet.compression.codec", "snappy");
    if (master != null) {
      b.master(master);
    }
    if (master == null || master.startsWith("local")) {
      b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
    }
    return b.getOrCreate();
  }
}
