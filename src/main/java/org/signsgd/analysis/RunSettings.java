package org.signsgd.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The settings of every run in a metrics directory, flattened from {@code runs.job} to dotted keys
 * ({@code attack.name}, {@code lr.initial}, ...): what the runs share goes into a figure's subtitle, what varies
 * names its panels, lines and cells.
 */
final class RunSettings {
  /** Keys that never name a panel: the same run under another seed, or bookkeeping. */
  private static final Set<String> NOT_A_SETTING = Set.of("name", "seed", "engine", "eval_every",
      "reference_every", "flush_every", "check_every", "checkpoint_every", "checkpoint_dir", "workers_per_partition",
      "worker_metrics", "aggregation", "aggregation_shards", "device", "resident_workers");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** run_id → flattened settings, in run_id order. */
  final Map<String, Map<String, String>> byRun;
  /** Settings keys whose value differs between runs (seed and bookkeeping excluded), sorted. */
  final List<String> varying;

  private RunSettings(Map<String, Map<String, String>> byRun) {
    this.byRun = byRun;
    Set<String> keys = new TreeSet<>();
    byRun.values().forEach(m -> keys.addAll(m.keySet()));
    List<String> vary = new ArrayList<>();
    for (String k : keys) {
      if (!NOT_A_SETTING.contains(k) && byRun.values().stream().map(m -> m.getOrDefault(k, "")).distinct()
          .count() > 1) {
        vary.add(k);
      }
    }
    this.varying = List.copyOf(vary);
  }

  /** Reads the view {@code runs} (the first record of each run: a resumed run has two). */
  static RunSettings load(SparkSession spark) {
    Map<String, Map<String, String>> byRun = new TreeMap<>();
    for (Row r : spark.sql("SELECT run_id, FIRST(job) FROM runs GROUP BY run_id").collectAsList()) {
      byRun.put(r.getString(0), flatten(r.getString(1)));
    }
    return new RunSettings(byRun);
  }

  static RunSettings of(Map<String, String> jobJsonByRun) {
    Map<String, Map<String, String>> byRun = new TreeMap<>();
    jobJsonByRun.forEach((run, json) -> byRun.put(run, flatten(json)));
    return new RunSettings(byRun);
  }

  static Map<String, String> flatten(String json) {
    Map<String, String> out = new TreeMap<>();
    try {
      flatten("", JSON.readTree(json), out);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("runs/: a job column that is not JSON: " + e.getMessage());
    }
    return out;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> e = it.next();
        flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
      }
    } else {
      out.put(prefix, node.isTextual() ? node.asText() : node.toString());
    }
  }

  /**
   * The varying settings of {@code run} that {@code keep} accepts, in key order: the name of a panel (or cell)
   * that groups runs equal in those keys; empty when nothing varies. A named part reads as its name with the
   * parameters that differ between runs of that name ("omniscient, batch=1", "krum(neighbours=26), B=24"):
   * parameters one rule always has the same value of tell nothing and are left out.
   */
  String label(String run, Predicate<String> keep) {
    Map<String, String> s = byRun.getOrDefault(run, Map.of());
    List<String> parts = new ArrayList<>();
    Set<String> done = new java.util.HashSet<>();
    for (String k : varying) {
      if (!keep.test(k) || !s.containsKey(k) || done.contains(k)) {
        continue;
      }
      int dot = k.indexOf('.');
      String nameKey = dot < 0 ? null : k.substring(0, dot) + ".name";
      if (nameKey == null || !s.containsKey(nameKey)) {
        parts.add(shortKey(k) + "=" + s.get(k));
        continue;
      }
      String prefix = k.substring(0, dot + 1);
      List<String> params = new ArrayList<>();
      for (String p : varying) {
        if (p.startsWith(prefix) && !p.equals(nameKey) && keep.test(p) && s.containsKey(p)
            && variesAmong(p, nameKey, s.get(nameKey))) {
          params.add(p.substring(prefix.length()) + "=" + s.get(p));
        }
        if (p.startsWith(prefix)) {
          done.add(p);
        }
      }
      boolean named = varying.contains(nameKey) && keep.test(nameKey);
      if (named || !params.isEmpty()) {
        parts.add((named ? s.get(nameKey) : shortKey(nameKey)) + (params.isEmpty() ? ""
            : "(" + String.join(", ", params) + ")"));
      }
    }
    return String.join(", ", parts);
  }

  /** Whether {@code key} differs between the runs whose {@code nameKey} is {@code name}. */
  private boolean variesAmong(String key, String nameKey, String name) {
    return byRun.values().stream().filter(m -> name.equals(m.get(nameKey)))
        .map(m -> m.getOrDefault(key, "")).distinct().count() > 1;
  }

  /**
   * Whether {@code key} takes one value in each group of runs that {@code group} names: a setting that goes
   * with the group (a learning rate tuned per rule, in a grid's variants).
   */
  boolean followsFrom(String key, java.util.function.Function<String, String> group) {
    Map<String, String> seen = new java.util.HashMap<>();
    for (Map.Entry<String, Map<String, String>> run : byRun.entrySet()) {
      String value = run.getValue().getOrDefault(key, "");
      String previous = seen.putIfAbsent(group.apply(run.getKey()), value);
      if (previous != null && !previous.equals(value)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A named part as one word, with the parameters that differ between runs of that name: "krum(neighbours=26)"
   * for prefix "aggregator"; {@code fallback} names it when the job left the name to its default (an unattacked
   * baseline has no attack.name).
   */
  String named(String run, String prefix, String fallback) {
    Map<String, String> s = byRun.getOrDefault(run, Map.of());
    String name = s.getOrDefault(prefix + ".name", fallback);
    List<String> params = new ArrayList<>();
    s.forEach((k, v) -> {
      if (k.startsWith(prefix + ".") && !k.equals(prefix + ".name") && s.containsKey(prefix + ".name")
          && variesAmong(k, prefix + ".name", name)) {
        params.add(k.substring(prefix.length() + 1) + "=" + v);
      }
    });
    return params.isEmpty() ? name : name + "(" + String.join(", ", params) + ")";
  }

  /**
   * What every run shares, for a subtitle: "model=mlp, data=mnist, Q=7, batch=64, ..., seeds 1–3 (3)". Keys
   * listed first when present; the rest in key order; a named part with its parameters as "attack=alie(z=1)".
   */
  String shared(Collection<Long> seeds) {
    Map<String, String> first = byRun.values().stream().findFirst().orElse(Map.of());
    Map<String, String> common = new LinkedHashMap<>();
    for (String k : List.of("model.name", "data.name", "workers", "byzantine", "batch_size", "iterations")) {
      if (first.containsKey(k) && !varying.contains(k)) {
        common.put(k, first.get(k));
      }
    }
    first.forEach((k, v) -> {
      if (!varying.contains(k) && !NOT_A_SETTING.contains(k) && !common.containsKey(k)) {
        common.put(k, v);
      }
    });
    List<String> parts = new ArrayList<>();
    Set<String> done = new java.util.HashSet<>();
    common.forEach((k, v) -> {
      if (done.contains(k)) {
        return;
      }
      int dot = k.indexOf('.');
      String prefix = dot < 0 ? null : k.substring(0, dot);
      if (prefix != null && common.containsKey(prefix + ".name")) {
        // a named part and its shared parameters as one: "model=quadratic(dim=1000, x0=1.0)"
        List<String> params = new ArrayList<>();
        common.forEach((k2, v2) -> {
          if (k2.startsWith(prefix + ".") && !k2.equals(prefix + ".name")) {
            params.add(k2.substring(prefix.length() + 1) + "=" + v2);
          }
          if (k2.startsWith(prefix + ".")) {
            done.add(k2);
          }
        });
        parts.add(prefix + "=" + common.get(prefix + ".name") + (params.isEmpty() ? ""
            : "(" + String.join(", ", params) + ")"));
      } else {
        parts.add(shortKey(k) + "=" + v);
      }
    });
    TreeSet<Long> sorted = new TreeSet<>(seeds);
    if (!sorted.isEmpty()) {
      parts.add(sorted.size() == 1 ? "seed " + sorted.first() : "mean over seeds " + sorted.first() + "–"
          + sorted.last() + " (" + sorted.size() + ")");
    }
    return String.join(", ", parts);
  }

  /** "model.name" reads "model", "workers" reads "Q", "byzantine" "B"; other keys as they are. */
  static String shortKey(String k) {
    return switch (k) {
      case "workers" -> "Q";
      case "byzantine" -> "B";
      case "declared_byzantine" -> "f";
      case "batch_size" -> "batch";
      default -> k.endsWith(".name") ? k.substring(0, k.length() - 5) : k;
    };
  }
}
