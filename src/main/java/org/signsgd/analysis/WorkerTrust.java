package org.signsgd.analysis;

import java.util.List;

/**
 * How the server treats honest and Byzantine workers, from {@code workers/} ({@code worker_metrics: true}): the
 * sign agreement of their messages with the applied direction and the rule's weight for them. For signSGD-FD
 * (seed 002) the weight is the mean LLR weight, which turns negative once the decoder has learned that a worker
 * inverts; for a plain vote it is 1.
 */
final class WorkerTrust {
  private WorkerTrust() {}

  static final CannedQuery TABLE = new CannedQuery("worker-trust",
      "honest against Byzantine workers: agreement with the applied direction and the rule's weight",
      List.of("algorithm, aggregator, attack, workers, byzantine_workers, batch_size: the configuration (Q, B)",
          "byzantine: whether these rows are the Byzantine workers' or the honest workers'",
          "runs: runs averaged (seeds)",
          "rows: worker-iterations averaged",
          "agreement: fraction of the message's signs equal to the applied direction's",
          "weight: the rule's weight for the worker (sign-fd: mean LLR weight; 1 in a plain vote)",
          "weight_second_half: the weight over each run's second half of iterations, once it has learned"),
      """
      WITH config AS (
        SELECT run_id, FIRST(algorithm) AS algorithm, FIRST(aggregator) AS aggregator, FIRST(attack) AS attack,
               FIRST(workers) AS workers, FIRST(byzantine) AS byzantine_workers,
               FIRST(batch_size) AS batch_size, MAX(iteration) AS last
        FROM iterations GROUP BY run_id)
      SELECT c.algorithm, c.aggregator, c.attack, c.workers, c.byzantine_workers, c.batch_size, w.byzantine,
             COUNT(DISTINCT w.run_id) AS runs,
             COUNT(*) AS rows, ROUND(AVG(w.agreement), 4) AS agreement, ROUND(AVG(w.weight), 4) AS weight,
             ROUND(AVG(w.weight) FILTER (WHERE 2 * w.iteration >= c.last), 4) AS weight_second_half
      FROM workers w JOIN config c ON w.run_id = c.run_id
      GROUP BY c.algorithm, c.aggregator, c.attack, c.workers, c.byzantine_workers, c.batch_size, w.byzantine
      ORDER BY c.algorithm, c.aggregator, c.attack, c.workers, c.byzantine_workers, c.batch_size, w.byzantine""");
}
