package org.signsgd.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.train.IterationRow;
import org.signsgd.train.SparkSessions;

/**
 * An iterations/ Delta table written before the {@code bad_images} column existed still reads, and a run that
 * appends to it adds the column (schema merging): the earlier rows read null there, the new ones their count. The
 * same holds for the later columns attack_factor and attack_evaluations (an optimising attack's search).
 */
class BadImagesColumnTest {
  @TempDir
  Path dir;

  private static IterationRow row(String run, long t, long bad) {
    return new IterationRow(run, t, 0.1, 1.0, null, null, null, null, null, null, null, null, null, null, null,
        null, 0, 8, 8, 1, 1, 1, "signsgd", "majority-vote", "none", 3, 0, "1", 7, 10, bad, bad > 0 ? 2.5 : null, bad > 0 ? 16 : null);
  }

  @Test
  void aTableWithoutTheColumnReadsAndGainsItOnTheNextAppend() throws Exception {
    SparkSession spark = SparkSessions.get("local[2]");
    MetricsTables tables = new MetricsTables(spark, OutputDir.of(dir.toString(),
        spark.sparkContext().hadoopConfiguration()));
    // the earlier version's schema: the columns before bad_images
    StructField[] fields = IterationSchema.SCHEMA.fields();
    int kept = IterationSchema.SCHEMA.fieldIndex("bad_images");
    StructType old = new StructType(java.util.Arrays.copyOf(fields, kept));
    Row full = IterationSchema.toRow(row("old", 0, 0));
    Object[] values = new Object[kept];
    for (int i = 0; i < values.length; i++) {
      values[i] = full.get(i);
    }
    spark.createDataFrame(List.of(RowFactory.create(values)), old).write().format("delta").partitionBy("run_id")
        .save(dir.resolve("iterations").toString());

    Dataset<Row> before = tables.read(Table.ITERATIONS);
    assertThat(before.columns()).doesNotContain("bad_images");
    assertThat(before.count()).isEqualTo(1);

    tables.append(Table.ITERATIONS, List.of(IterationSchema.toRow(row("new", 0, 3))));
    List<Row> after = tables.read(Table.ITERATIONS).selectExpr("run_id", "bad_images").orderBy("run_id")
        .collectAsList();
    assertThat(after).hasSize(2);
    assertThat(after.get(0).getLong(1)).isEqualTo(3);
    assertThat(after.get(1).isNullAt(1)).isTrue();
    List<Row> search = tables.read(Table.ITERATIONS).selectExpr("run_id", "attack_factor", "attack_evaluations")
        .orderBy("run_id").collectAsList();
    assertThat(search.get(0).getDouble(1)).isEqualTo(2.5);
    assertThat(search.get(0).getInt(2)).isEqualTo(16);
    assertThat(search.get(1).isNullAt(1) && search.get(1).isNullAt(2)).isTrue();
  }
}
