package org.signsgd.metrics;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.signsgd.train.IterationRow;
import org.signsgd.train.WorkerRow;

/**
 * The writer of one run's metrics: iteration (and worker) rows are buffered and appended every
 * {@code flushEvery} iterations and when the run ends, each flush one transaction per table, so a crash loses at
 * most the rows since the last flush and never leaves a partial file visible; the run's {@code runs/} record
 * replaces any earlier one of the same run.
 */
public final class MetricsStore {
  private final MetricsTables tables;
  private final int flushEvery;
  private final List<Row> buffer = new ArrayList<>();
  private final List<Row> workerBuffer = new ArrayList<>();

  public MetricsStore(MetricsTables tables, int flushEvery) {
    this.tables = tables;
    this.flushEvery = flushEvery;
  }

  public void add(IterationRow row) {
    buffer.add(IterationSchema.toRow(row));
    if (buffer.size() >= flushEvery) {
      flush();
    }
  }

  /** A workers/ row; written with the iteration rows. */
  public void addWorker(WorkerRow row) {
    workerBuffer.add(WorkerSchema.toRow(row));
  }

  /** Writes the buffered rows: workers/ first, so that an iteration row never lacks its worker rows. */
  public void flush() {
    tables.append(Table.WORKERS, workerBuffer);
    workerBuffer.clear();
    tables.append(Table.ITERATIONS, buffer);
    buffer.clear();
  }

  /** Writes the run's record in place of any earlier record of that run (after the last {@link #flush}). */
  public void record(RunRecord run) {
    tables.replace(Table.RUNS, List.of(run.runId()), List.of(run.toRow()));
  }
}
