package org.signsgd.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.train.SparkSessions;
import org.signsgd.train.WorkerRow;

/**
 * A workers/ Delta table written before the {@code device} column existed still reads, and a run that appends to it
 * adds the column (schema merging): the earlier rows read null there, the new ones where their task ran.
 */
class WorkerDeviceColumnTest {
  @TempDir
  Path dir;

  @Test
  void aTableWithoutTheColumnReadsAndGainsItOnTheNextAppend() throws Exception {
    SparkSession spark = SparkSessions.get("local[2]");
    MetricsTables tables = new MetricsTables(spark, OutputDir.of(dir.toString(),
        spark.sparkContext().hadoopConfiguration()));
    int kept = WorkerSchema.SCHEMA.fieldIndex("device");
    StructType old = new StructType(Arrays.copyOf(WorkerSchema.SCHEMA.fields(), kept));
    Row full = WorkerSchema.toRow(new WorkerRow("old", 0, 1, 0.5, null, false, "cpu"));
    Object[] values = new Object[kept];
    for (int i = 0; i < kept; i++) {
      values[i] = full.get(i);
    }
    spark.createDataFrame(List.of(RowFactory.create(values)), old).write().format("delta").partitionBy("run_id")
        .save(dir.resolve("workers").toString());

    Dataset<Row> before = tables.read(Table.WORKERS);
    assertThat(before.columns()).doesNotContain("device");
    assertThat(before.count()).isEqualTo(1);

    tables.append(Table.WORKERS, List.of(WorkerSchema.toRow(new WorkerRow("new", 0, 1, 0.75, null, false,
        "gpu:3/cuda:1"))));
    List<Row> after = tables.read(Table.WORKERS).selectExpr("run_id", "device", "agreement").orderBy("run_id")
        .collectAsList();
    assertThat(after).hasSize(2);
    assertThat(after.get(0).getString(1)).isEqualTo("gpu:3/cuda:1");
    assertThat(after.get(0).getDouble(2)).isEqualTo(0.75);
    assertThat(after.get(1).isNullAt(1)).isTrue();
    assertThat(after.get(1).getDouble(2)).isEqualTo(0.5);
  }
}
