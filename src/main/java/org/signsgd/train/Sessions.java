package org.signsgd.train;

import org.apache.spark.sql.SparkSession;

/**
 * The SparkSession of a command: loopback-bound on a local master, no UI, one BLAS thread per executor, Delta
 * Lake's extension for the metrics tables.
 */
public final class Sessions {
  private Sessions() {}

  /** Delta's log store for tables on {@code file:} paths, and its one store for every scheme. */
  static final String LOCAL_LOG_STORE = "spark.delta.logStore.file.impl";
  static final String LOG_STORE_CLASS = "spark.delta.logStore.class";

  /**
   * Whether a session sets the project's log store for local tables, so that a commit there is atomic across
   * processes too (Delta's default store is not): unless the Spark settings already name a store, which is kept
   * (Delta refuses a scheme's store beside {@code spark.delta.logStore.class}).
   */
  static boolean setsLocalLogStore(org.apache.spark.SparkConf given) {
    return !given.contains(LOG_STORE_CLASS) && !given.contains(LOCAL_LOG_STORE);
  }

  /**
   * Spark's broadcast piece size, 1 kB under its default of 4 MB, unless the settings (spark-submit's, or the ones
   * given) name one. A piece is one byte array; at 4 MB plus the array's 16-byte header it takes one more heap region
   * than its bytes need wherever the collector's regions are 1, 2 or 4 MB (heaps under 16 GB), and a whole 8 MB
   * region for its 4 MB where they are 8 MB (heaps of 16 to 32 GB); at 4,095 kB it fits its regions with 1 kB to
   * spare, or is an ordinary object. The driver keeps the pieces of every large downlink (a dense direction) since
   * the last checkpoint, as many as its block manager's memory holds, beside the new one's being cut: measured on the
   * standalone cluster of the tests at ResNet-50's d, a sharded median's driver failed with an OutOfMemoryError at
   * -Xmx537m with 4 MB pieces and ran at 481 MB in use after collections with these.
   */
  public static final String BROADCAST_BLOCK_SIZE = "spark.broadcast.blockSize";
  public static final String BROADCAST_BLOCK = "4095k";

  /** Whether a session sets {@link #BROADCAST_BLOCK}: unless the Spark settings name a piece size of their own. */
  static boolean setsBroadcastBlock(org.apache.spark.SparkConf given) {
    return !given.contains(BROADCAST_BLOCK_SIZE);
  }

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

  /**
   * local, local[N], local[N,F] (Spark allows spaces around the comma), local[*]: one JVM (not local-cluster[...],
   * whose executors are processes).
   */
  private static final java.util.regex.Pattern ONE_JVM =
      java.util.regex.Pattern.compile("local(\\[(\\d+|\\*)(\\s*,\\s*\\d+)?])?");

  /** Whether {@code master} runs its executor in the driver's JVM (null: spark-submit's, not known here). */
  public static boolean oneJvm(String master) {
    return master != null && ONE_JVM.matcher(master).matches();
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
        // tables of a few MB: the log's state in 2 tasks, not 50; no checksum file and no data-skipping statistics
        // per commit (measured: a commit's CPU fell from 1.5 s to 0.4-0.6 s, a plain Parquet append's is 0.4 s)
        .config("spark.databricks.delta.snapshotPartitions", "2")
        .config("spark.databricks.delta.writeChecksumFile.enabled", "false")
        .config("spark.databricks.delta.stats.collect", "false")
        // SQL here is metrics tables of thousands of rows (the training is RDDs): compiling each plan's Java code
        // costs more than it saves (a 50-iteration toy's train: 26 s against 24 s without it)
        .config("spark.sql.codegen.wholeStage", "false")
        // reliable checkpoints (checkpoint_dir) are deleted once their RDD is gone: they would pile up
        .config("spark.cleaner.referenceTracking.cleanCheckpoints", "true");
    org.apache.spark.SparkConf given = new org.apache.spark.SparkConf(); // spark.* system properties
    conf.forEach(given::set);
    if (setsBroadcastBlock(given)) {
      b.config(BROADCAST_BLOCK_SIZE, BROADCAST_BLOCK);
    }
    if (setsLocalLogStore(given)) {
      b.config(LOCAL_LOG_STORE, org.signsgd.metrics.LocalFileLogStore.class.getName());
    }
    if (master != null) {
      b.master(master);
    }
    if (master == null || master.startsWith("local")) {
      b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
    }
    if (oneJvm(master)) {
      // a task's result above 1 MB (Spark's default) is put in the block manager and fetched from it over the
      // loopback's block transfer service, though executor and driver are one JVM; up to 32 MB it comes back in the
      // task's status instead: every shard's result of the sharded server (at most 16 MB of direction and its sums),
      // while a worker stage's larger results keep the block manager's way (at ResNet-50's d the sharded vote's two
      // 1.7 MB shard results took 10-25 ms each to fetch; the bench's median job went from 91 to 74-76 ms)
      b.config("spark.task.maxDirectResultSize", "32m");
    }
    conf.forEach(b::config);
    SparkSession spark;
    try {
      spark = b.getOrCreate();
    } catch (IllegalStateException e) {
      // the client gave up registering while the session was being built on its context: the same refusal
      String url = master != null ? master : System.getProperty("spark.master", "");
      if (url.startsWith("spark://") && String.valueOf(e.getMessage()).contains("stopped SparkContext")) {
        throw notAccepted(url);
      }
      throw e;
    }
    requireAccepted(spark);
    return spark;
  }

  private static IllegalArgumentException notAccepted(String master) {
    return new IllegalArgumentException("the Spark master " + master + " did not accept this application: "
        + "no master answers there, or it requires spark.authenticate with another secret (spark.authenticate"
        + ".secret); Spark's log above says which");
  }

  /**
   * On a standalone master, the context only comes back once the master accepted the application (it then has
   * the master's id, {@code app-...}) or the client gave up registering (three attempts, 20 s apart: no master
   * there, or {@code spark.authenticate} without the master's secret). In the second case Spark stops the context
   * a moment later from another thread, and a job started in that moment never ends (Spark 3.5 drops it with the
   * scheduler's queue): fail here instead, in one line. Spark's log above it says why each attempt failed.
   */
  private static void requireAccepted(SparkSession spark) {
    org.apache.spark.SparkContext sc = spark.sparkContext();
    if (!sc.master().startsWith("spark://")) {
      return;
    }
    String id = sc.isStopped() ? null : sc.applicationId();
    if (id == null || id.startsWith("spark-application-")) {
      spark.stop();
      throw notAccepted(sc.master());
    }
  }
}
