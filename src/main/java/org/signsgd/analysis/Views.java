package org.signsgd.analysis;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.signsgd.metrics.MetricsTables;
import org.signsgd.metrics.Table;

/** The SQL views {@code runs}, {@code iterations} and {@code workers} over a metrics directory's tables. */
public final class Views {
  private Views() {}

  /**
   * Registers a view per table the directory holds, each a snapshot of the table read once (a report runs
   * dozens of queries: each would otherwise resolve the table's latest version again); returns their names.
   */
  public static List<String> register(SparkSession spark, MetricsTables tables) throws IOException {
    List<String> views = new ArrayList<>();
    for (Table t : Table.values()) {
      Dataset<Row> rows = tables.read(t);
      if (rows != null) {
        rows.localCheckpoint(true).createOrReplaceTempView(t.dir());
        views.add(t.dir());
      }
    }
    return views;
  }

  /** Throws a one-line {@link IllegalArgumentException} unless {@code sql} only reads (a query, SHOW, ...). */
  public static void requireReadOnly(String sql) {
    ReadOnlySql.require(sql);
  }
}
