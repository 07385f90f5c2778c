package org.signsgd.analysis;

import java.util.List;

/**
 * The worst case over attacks, the way ByzFL compares defences (González, Guerraoui, Pinot, Rizk, Stephan, Taïani,
 * "ByzFL: Research Framework for Robust Federated Learning", arXiv:2505.24802, 2025; its benchmark's heatmaps):
 * per defence (the rule with the parameters that tell its runs apart), Byzantine count f and Dirichlet α, the
 * strongest attack, the one whose runs end with the lowest test accuracy averaged over seeds (the highest loss for
 * the analytic models, which have no test set). See docs/analysis.md, "Worst-case comparison".
 *
 * <p>The attacks are ranked by: the share of their runs that diverged (a diverged run is worse than any final
 * value: its rows stop before the loss went non-finite), then the seed-averaged final value (lower accuracy, or
 * higher loss, is worse), then the attack's name in text order (ties go to the first name). {@code none} is not an
 * attack: its runs are the no-attack baseline. Settings other than the defence, f, α and the attack that differ
 * between runs of one (defence, f, α, attack), other than the seed (momentum placement, a learning-rate axis, ...),
 * form the {@code setting} column, so that such runs are never averaged as if they were seeds. Only runs that
 * finished (completed, resumed or diverged) count.
 *
 * <p>One pass: every step reads the one before it once (a CTE read twice is computed twice), the relations between
 * runs (parameters that differ between runs of one rule, settings that differ within a group) are windows, and
 * {@code PARTITION BY 0} is a window over all runs.
 */
final class WorstCase {
  private WorstCase() {}

  /**
   * Settings never part of {@code setting}: the seed and the bookkeeping (as {@code RunSettings} leaves them out),
   * and what has a column of its own.
   */
  private static final String NOT_A_SETTING = "('name', 'seed', 'engine', 'eval_every', 'reference_every', "
      + "'flush_every', 'check_every', 'checkpoint_every', 'checkpoint_dir', 'workers_per_partition', "
      + "'worker_metrics', 'aggregation', 'aggregation_shards', 'device', 'resident_workers', 'byzantine', "
      + "'aggregator', 'attack', "
      + "'data.alpha')";

  /**
   * A parameter's value as a label shows it: a nested rule ({@code then} of a pre-aggregator) as
   * {@code {name=krum,neighbours=3,squared=true}} rather than its JSON.
   */
  private static final String NESTED = "CASE WHEN e.value LIKE '{%' THEN regexp_replace(replace(e.value, '\"', ''), "
      + "':', '=') ELSE COALESCE(e.value, 'null') END";

  static final CannedQuery TABLE = new CannedQuery("worst-case",
      "ByzFL's comparison of defences: per defence, f and Dirichlet α, the strongest attack (lowest final test "
          + "accuracy averaged over seeds; highest final loss for the analytic models) and the no-attack baseline",
      List.of("defence: the aggregator, with the parameters that differ between its runs (krum(neighbours=5)) and "
          + "always the rule a pre-aggregator wraps (nnm(then={name=krum,...}))",
          "f: Byzantine workers (byzantine)",
          "alpha: the Dirichlet α of data.split: dirichlet (null for other splits)",
          "setting: other settings that differ between runs of one defence, f, α and attack (empty when none)",
          "metric: test_accuracy, else (no test set) gap = f(x) - f* where every row has it, else train_loss",
          "worst_attack: the attack ranked worst: largest share of runs diverged, then lowest mean final "
              + "accuracy (highest final loss), then attack name",
          "final_mean: the worst attack's final value (last evaluation), averaged over its seeds",
          "best_mean: the worst attack's best value (highest accuracy, lowest loss), averaged over its seeds",
          "seeds: runs of the worst attack averaged",
          "diverged: of those, runs that diverged",
          "attacks: attacks compared (none excluded)",
          "worst_best_attack, worst_best: the attack ranked worst by best_mean instead, and its best_mean",
          "no_attack_final: final value of the runs with attack none (same defence, f, α, setting), averaged; "
              + "null without such runs"),
      """
      WITH per_run AS (
        SELECT run_id, FIRST(aggregator) AS aggregator, FIRST(attack) AS attack, FIRST(byzantine) AS f,
               COUNT(test_accuracy) AS n_accuracy, COUNT(gap) AS n_gap, COUNT(*) AS n,
               MAX_BY(test_accuracy, iteration) FILTER (WHERE test_accuracy IS NOT NULL) AS final_accuracy,
               MAX(test_accuracy) AS best_accuracy,
               MAX_BY(gap, iteration) FILTER (WHERE gap IS NOT NULL) AS final_gap, MIN(gap) AS best_gap,
               MAX_BY(train_loss, iteration) FILTER (WHERE train_loss IS NOT NULL) AS final_loss,
               MIN(train_loss) AS best_loss
        FROM iterations GROUP BY run_id),
      measured AS (
        SELECT p.*, CASE WHEN SUM(n_accuracy) OVER (PARTITION BY 0) > 0 THEN 'test_accuracy'
                         WHEN SUM(n_gap) OVER (PARTITION BY 0) = SUM(n) OVER (PARTITION BY 0) THEN 'gap'
                         ELSE 'train_loss' END AS metric
        FROM per_run p),
      run AS (
        SELECT m.run_id, m.aggregator, m.attack, m.f, m.metric, r.diverged,
               CASE m.metric WHEN 'test_accuracy' THEN m.final_accuracy WHEN 'gap' THEN m.final_gap
                    ELSE m.final_loss END AS final,
               CASE m.metric WHEN 'test_accuracy' THEN m.best_accuracy WHEN 'gap' THEN m.best_gap
                    ELSE m.best_loss END AS best,
               map_from_entries(flatten(transform(map_entries(from_json(r.job, 'map<string,string>')),
                 e -> CASE WHEN e.value LIKE '{%' THEN transform(map_entries(from_json(e.value,
                        'map<string,string>')), x -> named_struct('key', CONCAT(e.key, '.', x.key), 'value', x.value))
                      ELSE array(named_struct('key', e.key, 'value', e.value)) END))) AS settings
        FROM measured m JOIN (
          SELECT run_id, FIRST(job) AS job, BOOL_OR(status = 'diverged') AS diverged FROM runs GROUP BY run_id
          HAVING BOOL_OR(status IN ('completed', 'resumed', 'diverged'))) r ON m.run_id = r.run_id),
      parts AS (
        SELECT r.*,
               map_filter(settings, (k, v) -> k LIKE 'aggregator.%' AND k <> 'aggregator.name') AS rule_params,
               map_filter(settings, (k, v) -> k LIKE 'attack.%' AND k <> 'attack.name') AS attack_params,
               map_filter(settings, (k, v) -> NOT array_contains(array""" + NOT_A_SETTING + """
      , k) AND k NOT LIKE 'aggregator.%' AND k NOT LIKE 'attack.%') AS other
        FROM run r),
      siblings AS (
        SELECT p.*, collect_list(rule_params) OVER (PARTITION BY aggregator) AS rule_siblings,
               collect_list(attack_params) OVER (PARTITION BY attack) AS attack_siblings
        FROM parts p),
      told AS (
        SELECT s.*,
               array_sort(transform(filter(map_entries(rule_params), e -> e.key = 'aggregator.then'
                 OR size(array_distinct(transform(rule_siblings, m -> m[e.key]))) > 1),
                 e -> CONCAT(substr(e.key, 12), '=', """ + NESTED + """
                 ))) AS rule_told,
               array_sort(transform(filter(map_entries(attack_params), e -> size(array_distinct(transform(
                 attack_siblings, m -> m[e.key]))) > 1), e -> CONCAT(substr(e.key, 8), '=', """ + NESTED + """
                 ))) AS attack_told
        FROM siblings s),
      labelled AS (
        SELECT t.run_id, t.f, t.attack, t.metric, t.diverged, t.final, t.best, t.other,
               CONCAT(t.aggregator, CASE WHEN size(t.rule_told) > 0
                      THEN CONCAT('(', array_join(t.rule_told, ', '), ')') ELSE '' END) AS defence,
               CONCAT(t.attack, CASE WHEN size(t.attack_told) > 0
                      THEN CONCAT('(', array_join(t.attack_told, ', '), ')') ELSE '' END) AS attack_label,
               CASE WHEN t.settings['data.split'] = 'dirichlet' THEN CAST(t.settings['data.alpha'] AS DOUBLE) END
                 AS alpha
        FROM told t),
      grouped AS (
        SELECT l.*, collect_list(other) OVER (PARTITION BY defence, f, alpha, attack_label) AS group_others
        FROM labelled l),
      varying AS (
        SELECT g.*, filter(array_distinct(flatten(transform(group_others, m -> map_keys(m)))),
                           k -> size(array_distinct(transform(group_others, m -> m[k]))) > 1) AS varying_keys
        FROM grouped g),
      keyed AS (
        SELECT v.*, array_sort(array_distinct(flatten(collect_list(varying_keys) OVER (PARTITION BY 0))))
                      AS setting_keys
        FROM varying v),
      config AS (
        SELECT defence, f, alpha, attack_label, attack, metric, diverged, final, best,
               array_join(transform(filter(setting_keys, k -> other[k] IS NOT NULL), k -> CONCAT(k, '=', other[k])),
                          ', ') AS setting
        FROM keyed),
      by_attack AS (
        SELECT defence, f, alpha, setting, attack_label AS attack, FIRST(attack) = 'none' AS baseline,
               FIRST(metric) AS metric, COUNT(*) AS seeds, SUM(CASE WHEN diverged THEN 1 ELSE 0 END) AS diverged,
               AVG(final) AS final_mean, AVG(best) AS best_mean
        FROM config GROUP BY defence, f, alpha, setting, attack_label),
      ranked AS (
        SELECT b.*,
               ROW_NUMBER() OVER (PARTITION BY defence, f, alpha, setting ORDER BY baseline, diverged / seeds DESC,
                 CASE WHEN metric = 'test_accuracy' THEN final_mean ELSE -final_mean END ASC NULLS LAST, attack)
                 AS by_final,
               ROW_NUMBER() OVER (PARTITION BY defence, f, alpha, setting ORDER BY baseline, diverged / seeds DESC,
                 CASE WHEN metric = 'test_accuracy' THEN best_mean ELSE -best_mean END ASC NULLS LAST, attack)
                 AS by_best
        FROM by_attack b)
      SELECT defence, f, alpha, setting, FIRST(metric) AS metric, MIN_BY(attack, by_final) AS worst_attack,
             ROUND(MIN_BY(final_mean, by_final), 4) AS final_mean, ROUND(MIN_BY(best_mean, by_final), 4) AS best_mean,
             MIN_BY(seeds, by_final) AS seeds, MIN_BY(diverged, by_final) AS diverged,
             COUNT(*) FILTER (WHERE NOT baseline) AS attacks, MIN_BY(attack, by_best) AS worst_best_attack,
             ROUND(MIN_BY(best_mean, by_best), 4) AS worst_best,
             ROUND(MAX(final_mean) FILTER (WHERE baseline), 4) AS no_attack_final
      FROM ranked GROUP BY defence, f, alpha, setting
      HAVING COUNT(*) FILTER (WHERE NOT baseline) > 0
      ORDER BY setting, alpha, f, defence""");
}
