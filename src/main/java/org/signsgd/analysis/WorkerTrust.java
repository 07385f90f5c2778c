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
      List.of("algorithm, attack, byzantine_workers: the configuration (B)",
          "byzantine: whether these rows are the Byzantine workers' or the honest workers'",
          "runs: runs averaged (seeds)",
          "rows: worker-iterations averaged",
          "agreement: fraction of the message's signs equal to the applied direction's",
          "weight: the rule's weight for the worker (sign-fd: mean LLR weight; 1 in a plain vote)",
          "weight_second_half: the weight over each run's second half of iterations, once it has learned"),
      """
      WITH config AS (
        SELECT run_id, FIRST(algorithm) AS algorithm, FIRST(attack) AS attack,
               FIRST(byzantine) AS byzantine_workers, MAX(iteration) AS last
        FROM iterations GROUP BY run_id)
      SELECT c.algorithm, c.attack, c.byzantine_workers, w.byzantine, COUNT(DISTINCT w.run_id) AS runs,
             COUNT(*) AS rows, ROUND(AVG(w.agreement), 4) AS agreement, ROUND(AVG(w.weight), 4) AS weight,
             ROUND(AVG(w.weight) FILTER (WHERE 2 * w.iteration >= c.last), 4) AS weight_second_half
      FROM workers w JOIN config c ON w.run_id = c.run_id
      GROUP BY c.algorithm, c.attack, c.byzantine_workers, w.byzantine
      ORDER BY c.algorithm, c.attack, c.byzantine_workers, w.byzantine""");
}
