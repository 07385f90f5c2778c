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
 */
final class WorstCase {
  private WorstCase() {}

  /**
   * Settings never part of {@code setting}: the seed and the bookkeeping (as {@code RunSettings} leaves them out),
   * and what has a column of its own.
   */
  private static final String NOT_A_SETTING = "('name', 'seed', 'engine', 'eval_every', 'reference_every', "
      + "'flush_every', 'check_every', 'checkpoint_every', 'checkpoint_dir', 'workers_per_partition', "
      + "'worker_metrics', 'aggregation', 'aggregation_shards', 'byzantine', 'aggregator', 'attack', 'data.alpha')";

  static final CannedQuery TABLE = new CannedQuery("worst-case",
      "ByzFL's comparison of defences: per defence, f and Dirichlet α, the strongest attack (lowest final test "
          + "accuracy averaged over seeds; highest final loss for the analytic models) and the no-attack baseline",
      List.of("defence: the aggregator, with the parameters that differ between its runs (krum(neighbours=5))",
          "f: Byzantine workers (byzantine)",
          "alpha: the Dirichlet α of data.split: dirichlet (null for other splits)",
          "setting: other settings that differ between runs of one defence, f, α and attack (empty when none)",
          "metric: test_accuracy, else (no test set) gap = f(x) - f* where every row has it, else train_loss",
          "worst_attack: the attack ranked worst: most runs diverged, then lowest mean final accuracy (highest "
              + "final loss), then attack name",
          "final_mean: the worst attack's final value (last evaluation), averaged over its seeds",
          "best_mean: the worst attack's best value (highest accuracy, lowest loss), averaged over its seeds",
          "seeds: runs of the worst attack averaged",
          "diverged: of those, runs that diverged",
          "attacks: attacks compared (none excluded)",
          "worst_best_attack, worst_best: the attack ranked worst by best_mean instead, and its best_mean",
          "no_attack_final: final value of the runs with attack none (same defence, f, α, setting), averaged; "
              + "null without such runs"),
      """
      WITH metric AS (
        SELECT CASE WHEN COUNT(test_accuracy) > 0 THEN 'test_accuracy'
                    WHEN COUNT(gap) = COUNT(*) THEN 'gap' ELSE 'train_loss' END AS metric
        FROM iterations),
      run AS (
        SELECT run_id, FIRST(job) AS job, BOOL_OR(status = 'diverged') AS diverged
        FROM runs GROUP BY run_id HAVING BOOL_OR(status IN ('completed', 'resumed', 'diverged'))),
      per_run AS (
        SELECT i.run_id, FIRST(i.aggregator) AS aggregator, FIRST(i.attack) AS attack,
               FIRST(i.byzantine) AS f, FIRST(r.diverged) AS diverged, FIRST(r.job) AS job,
               MAX_BY(CASE m.metric WHEN 'test_accuracy' THEN i.test_accuracy WHEN 'gap' THEN i.gap
                      ELSE i.train_loss END, i.iteration)
                 FILTER (WHERE CASE m.metric WHEN 'test_accuracy' THEN i.test_accuracy WHEN 'gap' THEN i.gap
                         ELSE i.train_loss END IS NOT NULL) AS final,
               CASE WHEN FIRST(m.metric) = 'test_accuracy' THEN MAX(i.test_accuracy)
                    WHEN FIRST(m.metric) = 'gap' THEN MIN(i.gap) ELSE MIN(i.train_loss) END AS best
        FROM iterations i JOIN run r ON i.run_id = r.run_id CROSS JOIN metric m
        GROUP BY i.run_id),
      top AS (
        SELECT p.run_id, e.key AS k, e.value AS v
        FROM per_run p LATERAL VIEW explode(from_json(p.job, 'map<string,string>')) e AS key, value),
      flat AS (
        SELECT run_id, k, v FROM top WHERE v IS NULL OR v NOT LIKE '{%'
        UNION ALL
        SELECT t.run_id, CONCAT(t.k, '.', e.key) AS k, e.value AS v
        FROM (SELECT * FROM top WHERE v LIKE '{%') t
        LATERAL VIEW explode(from_json(t.v, 'map<string,string>')) e AS key, value),
      param AS (
        SELECT f.run_id, substring_index(f.k, '.', 1) AS part, substr(f.k, instr(f.k, '.') + 1) AS p,
               COALESCE(f.v, 'null') AS v,
               CASE WHEN f.k LIKE 'aggregator.%' THEN p.aggregator ELSE p.attack END AS rule
        FROM flat f JOIN per_run p ON f.run_id = p.run_id
        WHERE (f.k LIKE 'aggregator.%' OR f.k LIKE 'attack.%') AND f.k NOT IN ('aggregator.name', 'attack.name')),
      rule_runs AS (
        SELECT 'aggregator' AS part, aggregator AS rule, COUNT(*) AS n FROM per_run GROUP BY aggregator
        UNION ALL
        SELECT 'attack' AS part, attack AS rule, COUNT(*) AS n FROM per_run GROUP BY attack),
      told AS (
        SELECT a.part, a.rule, a.p FROM param a JOIN rule_runs c ON a.part = c.part AND a.rule = c.rule
        GROUP BY a.part, a.rule, a.p HAVING COUNT(DISTINCT a.v) > 1 OR COUNT(*) < FIRST(c.n)),
      named AS (
        SELECT p.run_id,
               array_sort(collect_list(CASE WHEN t.part = 'aggregator' THEN CONCAT(a.p, '=', a.v) END)) AS rule_params,
               array_sort(collect_list(CASE WHEN t.part = 'attack' THEN CONCAT(a.p, '=', a.v) END)) AS attack_params
        FROM per_run p LEFT JOIN param a ON p.run_id = a.run_id
        LEFT JOIN told t ON a.part = t.part AND a.rule = t.rule AND a.p = t.p
        GROUP BY p.run_id),
      labelled AS (
        SELECT p.run_id, p.f, p.attack, p.diverged, p.final, p.best,
               CONCAT(p.aggregator, CASE WHEN size(n.rule_params) > 0
                      THEN CONCAT('(', array_join(n.rule_params, ', '), ')') ELSE '' END) AS defence,
               CONCAT(p.attack, CASE WHEN size(n.attack_params) > 0
                      THEN CONCAT('(', array_join(n.attack_params, ', '), ')') ELSE '' END) AS attack_label,
               CASE WHEN get_json_object(p.job, '$.data.split') = 'dirichlet'
                    THEN CAST(get_json_object(p.job, '$.data.alpha') AS DOUBLE) END AS alpha
        FROM per_run p JOIN named n ON p.run_id = n.run_id),
      sized AS (
        SELECT l.*, COUNT(*) OVER (PARTITION BY l.defence, l.f, l.alpha, l.attack_label) AS group_runs
        FROM labelled l),
      other AS (
        SELECT f.run_id, f.k, COALESCE(f.v, 'null') AS v FROM flat f
        WHERE f.k NOT IN """ + NOT_A_SETTING + """
       AND f.k NOT LIKE 'aggregator.%' AND f.k NOT LIKE 'attack.%'),
      setting_key AS (
        SELECT DISTINCT k FROM (
          SELECT o.k FROM other o JOIN sized s ON o.run_id = s.run_id
          GROUP BY o.k, s.defence, s.f, s.alpha, s.attack_label
          HAVING COUNT(DISTINCT o.v) > 1 OR COUNT(*) < FIRST(s.group_runs))),
      setting AS (
        SELECT l.run_id, array_join(array_sort(collect_list(CASE WHEN k.k IS NOT NULL
               THEN CONCAT(o.k, '=', o.v) END)), ', ') AS setting
        FROM labelled l LEFT JOIN other o ON l.run_id = o.run_id LEFT JOIN setting_key k ON o.k = k.k
        GROUP BY l.run_id),
      config AS (
        SELECT l.*, s.setting FROM labelled l JOIN setting s ON l.run_id = s.run_id),
      by_attack AS (
        SELECT defence, f, alpha, setting, attack_label AS attack, COUNT(*) AS seeds,
               SUM(CASE WHEN diverged THEN 1 ELSE 0 END) AS diverged, AVG(final) AS final_mean,
               AVG(best) AS best_mean
        FROM config WHERE attack <> 'none'
        GROUP BY defence, f, alpha, setting, attack_label),
      baseline AS (
        SELECT defence, f, alpha, setting, AVG(final) AS no_attack
        FROM config WHERE attack = 'none' GROUP BY defence, f, alpha, setting),
      ranked AS (
        SELECT b.*, m.metric,
               ROW_NUMBER() OVER (PARTITION BY b.defence, b.f, b.alpha, b.setting ORDER BY b.diverged / b.seeds DESC,
                 CASE WHEN m.metric = 'test_accuracy' THEN b.final_mean ELSE -b.final_mean END ASC NULLS LAST,
                 b.attack) AS by_final,
               ROW_NUMBER() OVER (PARTITION BY b.defence, b.f, b.alpha, b.setting ORDER BY b.diverged / b.seeds DESC,
                 CASE WHEN m.metric = 'test_accuracy' THEN b.best_mean ELSE -b.best_mean END ASC NULLS LAST,
                 b.attack) AS by_best,
               COUNT(*) OVER (PARTITION BY b.defence, b.f, b.alpha, b.setting) AS attacks
        FROM by_attack b CROSS JOIN metric m)
      SELECT w.defence, w.f, w.alpha, w.setting, w.metric, w.attack AS worst_attack,
             ROUND(w.final_mean, 4) AS final_mean, ROUND(w.best_mean, 4) AS best_mean, w.seeds, w.diverged,
             w.attacks, v.attack AS worst_best_attack, ROUND(v.best_mean, 4) AS worst_best,
             ROUND(n.no_attack, 4) AS no_attack_final
      FROM ranked w
      JOIN ranked v ON v.by_best = 1 AND v.defence = w.defence AND v.f = w.f AND v.alpha <=> w.alpha
        AND v.setting = w.setting
      LEFT JOIN baseline n ON n.defence = w.defence AND n.f = w.f AND n.alpha <=> w.alpha
        AND n.setting = w.setting
      WHERE w.by_final = 1
      ORDER BY w.setting, w.alpha, w.f, w.defence""");
}
