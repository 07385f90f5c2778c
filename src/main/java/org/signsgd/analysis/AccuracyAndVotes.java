package org.signsgd.analysis;

import java.util.List;

/** The everyday tables: accuracy by configuration, and the vote failure measured against the bounds. */
final class AccuracyAndVotes {
  private AccuracyAndVotes() {}

  /** The sign rules as an SQL list: the vote-failure bounds are about sign votes, not dense rules. */
  static final String SIGN_RULES = org.signsgd.aggregate.Rules.signRuleNames().stream()
      .map(n -> "'" + n + "'").collect(java.util.stream.Collectors.joining(", ", "(", ")"));

  static final CannedQuery ACCURACY = new CannedQuery("accuracy",
      "final and best test accuracy per configuration, averaged over seeds with min and max",
      List.of("aggregator, attack, byzantine, batch_size, momentum_at: the configuration",
          "seeds: runs averaged",
          "final_mean, final_min, final_max: test accuracy at each run's last evaluation",
          "best_mean, best_min, best_max: each run's highest test accuracy"),
      """
      WITH per_run AS (
        SELECT run_id, FIRST(aggregator) AS aggregator, FIRST(attack) AS attack, FIRST(byzantine) AS byzantine,
               FIRST(batch_size) AS batch_size,
               MAX_BY(test_accuracy, iteration) FILTER (WHERE test_accuracy IS NOT NULL) AS final,
               MAX(test_accuracy) AS best
        FROM iterations GROUP BY run_id),
      placement AS (
        SELECT run_id, FIRST(COALESCE(get_json_object(job, '$.momentum.at'), 'worker')) AS momentum_at
        FROM runs GROUP BY run_id)
      SELECT aggregator, attack, byzantine, batch_size, momentum_at, COUNT(*) AS seeds,
             ROUND(AVG(final), 4) AS final_mean, ROUND(MIN(final), 4) AS final_min,
             ROUND(MAX(final), 4) AS final_max, ROUND(AVG(best), 4) AS best_mean,
             ROUND(MIN(best), 4) AS best_min, ROUND(MAX(best), 4) AS best_max
      FROM per_run LEFT JOIN placement USING (run_id)
      GROUP BY aggregator, attack, byzantine, batch_size, momentum_at
      ORDER BY aggregator, attack, byzantine, batch_size, momentum_at""");

  static final CannedQuery VOTE_FAILURE = new CannedQuery("vote-failure",
      "the sign vote's measured failure rate against the exact value and Cantelli's bound at the measured p̂ "
          + "(sign rules only)",
      List.of("algorithm, attack, workers, byzantine, batch_size: the configuration",
          "iterations: iterations with a reference gradient (averaged over them and over seeds)",
          "p_hat: honest workers' agreement with the reference sign",
          "measured: fraction of coordinates where the applied direction's sign is wrong",
          "exact: the exact failure probability at p_hat (Binomial, strongest attack)",
          "cantelli: the papers' Cantelli bound at p_hat (null outside the tolerance)",
          "within_bound: share of iterations where measured <= cantelli"),
      """
      SELECT algorithm, attack, workers, byzantine, batch_size, COUNT(*) AS iterations,
             ROUND(AVG(honest_agreement), 4) AS p_hat, ROUND(AVG(vote_failure_rate), 4) AS measured,
             ROUND(AVG(exact_failure), 4) AS exact, ROUND(AVG(bound_failure), 4) AS cantelli,
             ROUND(AVG(CASE WHEN bound_failure IS NULL THEN NULL
                            WHEN vote_failure_rate <= bound_failure THEN 1D ELSE 0D END), 4) AS within_bound
      FROM iterations WHERE vote_failure_rate IS NOT NULL AND aggregator IN """ + SIGN_RULES + """

      GROUP BY algorithm, attack, workers, byzantine, batch_size
      ORDER BY algorithm, attack, workers, byzantine, batch_size""");

  static final CannedQuery VOTE_FAILURE_BY_ITERATION = new CannedQuery("vote-failure-by-iteration",
      "the vote's measured failure rate per iteration against the exact value and Cantelli's bound at p_hat",
      List.of("algorithm, attack, workers, byzantine, batch_size: the configuration",
          "iteration: the iteration (only those with a reference gradient)",
          "seeds: runs averaged at this iteration",
          "p_hat, measured, exact, cantelli: as in vote-failure, averaged over the seeds at this iteration"),
      """
      SELECT algorithm, attack, workers, byzantine, batch_size, iteration, COUNT(*) AS seeds,
             ROUND(AVG(honest_agreement), 4) AS p_hat, ROUND(AVG(vote_failure_rate), 4) AS measured,
             ROUND(AVG(exact_failure), 4) AS exact, ROUND(AVG(bound_failure), 4) AS cantelli
      FROM iterations WHERE vote_failure_rate IS NOT NULL AND aggregator IN """ + SIGN_RULES + """

      GROUP BY algorithm, attack, workers, byzantine, batch_size, iteration
      ORDER BY algorithm, attack, workers, byzantine, batch_size, iteration""");
}
