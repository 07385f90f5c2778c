package org.signsgd.metrics;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.signsgd.train.IterationRow;

/** The columns of {@code iterations/}, one row per (run, iteration), in order. */
public final class IterationSchema {
  /** Columns that hold wall-clock times: the only ones allowed to differ between equal runs. */
  public static final List<String> TIMING = List.of("compute_ms", "aggregate_ms", "iteration_ms");

  public static final StructType SCHEMA = new StructType(new StructField[] {
      field("run_id", DataTypes.StringType, false), field("iteration", DataTypes.LongType, false),
      field("lr", DataTypes.DoubleType, false), field("train_loss", DataTypes.DoubleType, false),
      field("gap", DataTypes.DoubleType, true), field("test_loss", DataTypes.DoubleType, true),
      field("test_accuracy", DataTypes.DoubleType, true), field("grad_norm_l1", DataTypes.DoubleType, true),
      field("honest_agreement", DataTypes.DoubleType, true),
      field("vote_failure_rate", DataTypes.DoubleType, true),
      field("bound_failure", DataTypes.DoubleType, true), field("exact_failure", DataTypes.DoubleType, true),
      field("variance_norm_ratio", DataTypes.DoubleType, true),
      field("variance_norm_ratio_sampled", DataTypes.DoubleType, true),
      field("variance_bound", DataTypes.DoubleType, true),
      field("cosine_to_reference", DataTypes.DoubleType, true),
      field("malformed_messages", DataTypes.IntegerType, false), field("bytes_up", DataTypes.LongType, false),
      field("bytes_down", DataTypes.LongType, false), field("compute_ms", DataTypes.DoubleType, false),
      field("aggregate_ms", DataTypes.DoubleType, false), field("iteration_ms", DataTypes.DoubleType, false),
      field("algorithm", DataTypes.StringType, false), field("aggregator", DataTypes.StringType, false),
      field("attack", DataTypes.StringType, false), field("workers", DataTypes.IntegerType, false),
      field("byzantine", DataTypes.IntegerType, false), field("batch_size", DataTypes.StringType, false),
      field("seed", DataTypes.LongType, false), field("dimension", DataTypes.LongType, false),
      field("bad_images", DataTypes.LongType, false)});

  private IterationSchema() {}

  private static StructField field(String name, DataType type, boolean nullable) {
    return DataTypes.createStructField(name, type, nullable);
  }

  public static Row toRow(IterationRow r) {
    return RowFactory.create(r.runId(), r.iteration(), r.lr(), r.trainLoss(), r.gap(), r.testLoss(),
        r.testAccuracy(), r.gradNormL1(), r.honestAgreement(), r.voteFailureRate(), r.boundFailure(),
        r.exactFailure(), r.varianceNormRatio(), r.varianceNormRatioSampled(), r.varianceBound(), r.cosineToReference(), r.malformedMessages(), r.bytesUp(), r.bytesDown(), r.computeMs(), r.aggregateMs(),
        r.iterationMs(), r.algorithm(), r.aggregator(), r.attack(), r.workers(), r.byzantine(), r.batchSize(),
        r.seed(), r.dimension(), r.badImages());
  }
}
