package org.signsgd.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.signsgd.train.IterationRow;
import org.signsgd.train.WorkerRow;

/** The tables' columns come from their row records: the names, order, types and nullability the tables have had. */
class RecordColumnsTest {
  @Test
  void iterationsHaveTheirColumnsInOrder() {
    assertThat(IterationSchema.SCHEMA.fieldNames()).containsExactly("run_id", "iteration", "lr", "train_loss", "gap",
        "test_loss", "test_accuracy", "grad_norm_l1", "honest_agreement", "vote_failure_rate", "bound_failure",
        "exact_failure", "variance_norm_ratio", "variance_norm_ratio_sampled", "variance_bound",
        "cosine_to_reference", "malformed_messages", "bytes_up", "bytes_down", "compute_ms", "aggregate_ms",
        "iteration_ms", "algorithm", "aggregator", "attack", "workers", "byzantine", "batch_size", "seed",
        "dimension", "bad_images", "attack_factor", "attack_evaluations");
    StructField[] f = IterationSchema.SCHEMA.fields();
    assertThat(Arrays.stream(f).filter(StructField::nullable).map(StructField::name)).containsExactly("gap",
        "test_loss", "test_accuracy", "grad_norm_l1", "honest_agreement", "vote_failure_rate", "bound_failure",
        "exact_failure", "variance_norm_ratio", "variance_norm_ratio_sampled", "variance_bound",
        "cosine_to_reference", "attack_factor", "attack_evaluations");
    assertThat(f[31].dataType()).isEqualTo(DataTypes.DoubleType);
    assertThat(f[32].dataType()).isEqualTo(DataTypes.IntegerType);
    assertThat(f[1].dataType()).isEqualTo(DataTypes.LongType);
    assertThat(f[16].dataType()).isEqualTo(DataTypes.IntegerType);
    assertThat(f[22].dataType()).isEqualTo(DataTypes.StringType);
  }

  @Test
  void aRowHoldsItsValuesInColumnOrder() {
    IterationRow r = new IterationRow("run", 7, 0.5, 1.25, null, null, null, 3.0, 0.75, 0.1, null, 0.2, null, null,
        null, null, 2, 100, 200, 1.5, 2.5, 3.5, "signsgd", "majority-vote", "none", 9, 1, "1", 42, 1000, 0, null, null);
    Row row = IterationSchema.toRow(r);
    assertThat(row.length()).isEqualTo(33);
    assertThat(row.getString(0)).isEqualTo("run");
    assertThat(row.getLong(1)).isEqualTo(7);
    assertThat(row.get(4)).isNull();
    assertThat(row.getDouble(8)).isEqualTo(0.75);
    assertThat(row.getInt(16)).isEqualTo(2);
    assertThat(row.getString(23)).isEqualTo("majority-vote");
    assertThat(row.getLong(29)).isEqualTo(1000);

    assertThat(WorkerSchema.SCHEMA.fieldNames()).containsExactly("run_id", "iteration", "worker", "agreement",
        "weight", "byzantine", "device");
    Row w = WorkerSchema.toRow(new WorkerRow("run", 3, 4, 0.9, null, true, "gpu:2/cuda:0"));
    assertThat(w.getInt(2)).isEqualTo(4);
    assertThat(w.get(4)).isNull();
    assertThat(w.getBoolean(5)).isTrue();
    assertThat(WorkerSchema.SCHEMA.fields()[3].nullable()).isTrue();
    assertThat(WorkerSchema.SCHEMA.fields()[5].nullable()).isFalse();
    // a text column added after rows were written without it: those read null
    assertThat(w.getString(6)).isEqualTo("gpu:2/cuda:0");
    assertThat(WorkerSchema.SCHEMA.fields()[6].nullable()).isTrue();
    assertThat(WorkerSchema.SCHEMA.fields()[0].nullable()).isFalse();
  }
}
