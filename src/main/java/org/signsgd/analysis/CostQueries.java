package org.signsgd.analysis;

import java.util.List;

/** What an iteration costs: bytes on the wire against float32 messages (4·d per message), and time by phase. */
final class CostQueries {
  private CostQueries() {}

  static final CannedQuery COMMUNICATION = new CannedQuery("communication",
      "bytes per iteration, up and down, and the compression against float32 messages of d parameters",
      List.of("algorithm, aggregator, attack, workers: the configuration",
          "dimension: d, the number of parameters",
          "iterations: iterations averaged (all seeds)",
          "bytes_up: measured bytes of all workers' messages to the server, per iteration",
          "bytes_down: measured bytes of the direction sent back to every worker, per iteration",
          "bytes_up_per_worker: bytes_up / workers",
          "float32_bytes: 4 * dimension * workers, one float32 message per worker",
          "compression_up, compression_down: float32_bytes over bytes_up, bytes_down (32 minus headers for signs)"),
      """
      SELECT algorithm, aggregator, attack, workers, dimension, COUNT(*) AS iterations,
             ROUND(AVG(bytes_up), 1) AS bytes_up, ROUND(AVG(bytes_down), 1) AS bytes_down,
             ROUND(AVG(bytes_up) / workers, 1) AS bytes_up_per_worker,
             4 * dimension * workers AS float32_bytes,
             ROUND(4 * dimension * workers / NULLIF(AVG(bytes_up), 0), 2) AS compression_up,
             ROUND(4 * dimension * workers / NULLIF(AVG(bytes_down), 0), 2) AS compression_down
      FROM iterations
      GROUP BY algorithm, aggregator, attack, workers, dimension
      ORDER BY algorithm, aggregator, attack, workers, dimension""");

  static final CannedQuery TIMING = new CannedQuery("timing",
      "milliseconds per iteration split into the gradient, the aggregation and the rest, averaged over iterations",
      List.of("algorithm, aggregator, attack, workers, byzantine, batch_size, dimension: the configuration "
              + "(dimension d tells the models apart)",
          "iterations: iterations averaged (all seeds)",
          "compute_ms: the slowest worker's gradient (and momentum, sign packing) per iteration",
          "aggregate_ms: the server step (attack, rule (vote, Krum, ...) and their sums) per iteration",
          "other_ms: the rest of iteration_ms: collecting the messages, metrics, evaluation, the "
              + "broadcast and Spark's scheduling",
          "iteration_ms: wall-clock time of an iteration",
          "compute_share: total compute_ms over total iteration_ms"),
      """
      SELECT algorithm, aggregator, attack, workers, byzantine, batch_size, dimension, COUNT(*) AS iterations,
             ROUND(AVG(compute_ms), 3) AS compute_ms, ROUND(AVG(aggregate_ms), 3) AS aggregate_ms,
             ROUND(AVG(iteration_ms - compute_ms - aggregate_ms), 3) AS other_ms,
             ROUND(AVG(iteration_ms), 3) AS iteration_ms,
             ROUND(SUM(compute_ms) / NULLIF(SUM(iteration_ms), 0), 4) AS compute_share
      FROM iterations
      GROUP BY algorithm, aggregator, attack, workers, byzantine, batch_size, dimension
      ORDER BY algorithm, aggregator, attack, workers, byzantine, batch_size, dimension""");
}
