package org.signsgd.analysis;

import java.util.List;

/**
 * Seed 003's analysis (El Mhamdi, Guerraoui, Rouault, "Distributed Momentum for Byzantine-resilient Stochastic Gradient
 * Descent", ICLR 2021; its code's {@code reproduce.py}, LPD-EPFL/ByzantineMomentum) as Spark SQL. Per run, the highest
 * observed top-1 test accuracy; per configuration (data set, lr, Nesterov, GAR, f, attack) averaged over seeds, at the
 * server and at the workers; the reference is the unattacked baseline (mean over n − f honest workers, same data set,
 * lr and Nesterov). An attack is effective when loss = reference − accuracy at the server > 0.2; momentum at the
 * workers recovers when gain = accuracy at the workers − accuracy at the server > 0.2.
 */
final class MomentumRecovery {
  private MomentumRecovery() {}

  /** One row per run with its configuration and best accuracy (finished runs, each run id once). */
  private static final String PER_RUN = """
      WITH best AS (
        SELECT run_id, MAX(test_accuracy) AS best_accuracy, FIRST(aggregator) AS aggregator,
               FIRST(attack) AS attack, FIRST(workers) AS workers, FIRST(byzantine) AS byzantine
        FROM iterations GROUP BY run_id),
      job AS (
        SELECT run_id, FIRST(seed) AS seed, FIRST(get_json_object(job, '$.data.name')) AS dataset,
               FIRST(CAST(get_json_object(job, '$.lr.initial') AS DOUBLE)) AS lr,
               FIRST(COALESCE(get_json_object(job, '$.momentum.nesterov'), 'false') = 'true') AS nesterov,
               FIRST(get_json_object(job, '$.momentum.at')) AS momentum_at
        FROM runs WHERE status IN ('completed', 'resumed', 'diverged') GROUP BY run_id),
      run AS (
        SELECT j.*, b.aggregator, b.attack, b.workers, b.byzantine, b.best_accuracy
        FROM job j JOIN best b USING (run_id) WHERE b.best_accuracy IS NOT NULL),
      config AS (
        SELECT dataset, lr, nesterov, aggregator, byzantine AS f, workers - byzantine AS honest, attack,
               COUNT(*) AS seeds,
               AVG(CASE WHEN momentum_at = 'server' THEN best_accuracy END) AS server,
               AVG(CASE WHEN momentum_at = 'worker' THEN best_accuracy END) AS worker,
               COUNT(CASE WHEN momentum_at = 'server' THEN 1 END) AS server_runs,
               COUNT(CASE WHEN momentum_at = 'worker' THEN 1 END) AS worker_runs
        FROM run WHERE byzantine > 0
        GROUP BY dataset, lr, nesterov, aggregator, byzantine, workers, attack),
      baseline AS (
        SELECT dataset, lr, nesterov, workers AS honest, AVG(best_accuracy) AS reference
        FROM run WHERE byzantine = 0 AND attack = 'none' AND aggregator = 'mean'
        GROUP BY dataset, lr, nesterov, workers),
      recovery AS (
        SELECT c.dataset, c.lr, c.nesterov, c.aggregator, c.f, c.attack, c.server_runs AS seeds,
               ROUND(b.reference, 4) AS reference, ROUND(c.server, 4) AS server, ROUND(c.worker, 4) AS worker,
               ROUND(b.reference - c.server, 4) AS loss, ROUND(c.worker - c.server, 4) AS gain,
               b.reference - c.server > 0.2 AS effective,
               b.reference - c.server > 0.2 AND c.worker - c.server > 0.2 AS recovered
        FROM config c JOIN baseline b USING (dataset, lr, nesterov, honest)
        WHERE c.server_runs > 0 AND c.worker_runs > 0)
      """;

  static final CannedQuery TABLE = new CannedQuery("momentum-recovery",
      "seed 003's table: per configuration, the best test accuracy with momentum at the server and at the "
          + "workers against the unattacked baseline; effective attack: loss > 0.2, recovered: gain > 0.2",
      List.of("dataset, lr, nesterov, aggregator, f, attack: the configuration (f = Byzantine workers of n)",
          "seeds: runs averaged (momentum at the server; the same count at the workers)",
          "reference: best test accuracy of the unattacked baseline (mean, n - f honest workers, momentum at "
              + "the server), averaged over its seeds",
          "server, worker: best test accuracy with momentum at the server / at the workers, averaged over seeds",
          "loss: reference - server;  gain: worker - server",
          "effective: loss > 0.2;  recovered: effective and gain > 0.2"),
      PER_RUN + """
          SELECT * FROM recovery
          ORDER BY dataset, lr DESC, nesterov, f DESC, aggregator, attack""");

  static final CannedQuery SUMMARY = new CannedQuery("momentum-recovery-summary",
      "seed 003's headline: how many attacked configurations were effective, and how many of those momentum "
          + "at the workers recovered (the paper: more than 60 %)",
      List.of("dataset: the data set ('all' for every one)",
          "configurations: attacked configurations with runs at the server and at the workers",
          "effective: those where the attack cost more than 0.2 of accuracy with momentum at the server",
          "recovered: effective ones where momentum at the workers gained more than 0.2",
          "recovered_share: recovered / effective"),
      PER_RUN + """
          SELECT COALESCE(dataset, 'all') AS dataset, configurations, effective, recovered,
                 ROUND(recovered / NULLIF(effective, 0), 4) AS recovered_share
          FROM (SELECT dataset, GROUPING(dataset) AS total, COUNT(*) AS configurations,
                       SUM(CAST(effective AS INT)) AS effective, SUM(CAST(recovered AS INT)) AS recovered
                FROM recovery GROUP BY ROLLUP(dataset))
          ORDER BY total, dataset""");
}
