package org.signsgd.train;

import org.apache.spark.sql.SparkSession;

/**
 * The SparkSession of a command: loopback-bound on a local master, no UI, one BLAS thread per executor, Delta
 * Lake's extension for the metrics tables.
 */
public final class Sessions {
  private Sessions() {}

  public static SparkSession start(String master) {
    return start(master, java.util.Map.of());
  }

  /**
   * The master a command runs on when it names none: spark-submit's ({@code spark.master}, set for the driver
   * JVM), else {@code fallback}.
   */
  public static String defaultMaster(String fallback) {
    return System.getProperty("spark.master", fallback);
  }

  /** A session on this master (null: spark-submit's), with {@code conf} on top of the defaults. */
  public static SparkSession start(String master, java.util.Map<String, String> conf) {
    SparkSession.Builder b = SparkSession.builder().appName("signsgd-spark")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.executorEnv.OMP_NUM_THREADS", "1")
        .config("spark.sql.parquet.compression.codec", "snappy")
        // the metrics are Delta Lake tables: its SQL extension and catalog (deletes, replaceWhere, conversion)
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.databricks.delta.snapshotPartitions", "2")
        .config("spark.databricks.delta.writeChecksumFile.enabled", "false")
        .config("spark.databricks.delta.stats.collect", "false")
        // reliable checkpoints (checkpoint_dir) are deleted once their RDD is gone: they would pile up
        .config("spark.cleaner.referenceTracking.cleanCheckpoints", "true");
    if (master != null) {
      b.master(master);
    }
    if (master == null || master.startsWith("local")) {
      b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
    }
    conf.forEach(b::config);
    return b.getOrCreate();
  }
}
