package org.signsgd.metrics;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One row of {@code runs/}: provenance and outcome of one run; {@code error} says why a {@code failed} run
 * failed (null otherwise).
 */
public record RunRecord(String runId, String name, String jobJson, long seed, String byzantineIds,
    String engine, String versions, String gitCommit, String startTime, String endTime, String status,
    Double optimum, String error) {

  public static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false).add("name", DataTypes.StringType, false)
      .add("job", DataTypes.StringType, false).add("seed", DataTypes.LongType, false)
      .add("byzantine_ids", DataTypes.StringType, false).add("engine", DataTypes.StringType, false)
      .add("versions", DataTypes.StringType, false).add("git_commit", DataTypes.StringType, true)
      .add("start_time", DataTypes.StringType, false).add("end_time", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false).add("optimum", DataTypes.DoubleType, true)
      .add("error", DataTypes.StringType, true);

  public Row toRow() {
    return RowFactory.create(runId, name, jobJson, seed, byzantineIds, engine, versions, gitCommit, startTime,
        endTime, status, optimum, error);
  }
}
