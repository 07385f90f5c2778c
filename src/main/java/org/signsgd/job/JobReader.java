package org.signsgd.job;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.signsgd.spec.Echo;
import org.signsgd.spec.Names;
import org.signsgd.spec.RuleSpec;

/** Typed reads of one run's settings; every failure is a {@link JobException} naming the file and key. */
final class JobReader {
  /** A job name is a directory name and the start of every run id. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private final Map<String, Object> run;
  private final String file;

  JobReader(Map<String, Object> run, String file) {
    this.run = run;
    this.file = file;
  }

  /** The job's name: letters, digits, '.', '_' and '-' (it names the output directory and the runs). */
  String name(String key, String fallback) {
    Object v = run.get(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof String s) || !NAME.matcher(s).matches()) {
      throw new JobException(file, key, "is " + Echo.of(v) + "; allowed: text of letters, digits, '.', '_' and "
          + "'-', starting with a letter or digit, at most 100 characters (quote a number: '2024')");
    }
    return s;
  }

  /** Text, or the fallback when the key is absent. */
  String text(String key, String fallback) {
    Object v = run.get(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof String s)) {
      throw new JobException(file, key, "is " + Echo.of(v) + "; allowed: text");
    }
    return s;
  }

  long longValue(String key, long fallback) {
    Object v = run.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Integer || v instanceof Long) {
      return ((Number) v).longValue();
    }
    throw new JobException(file, key, "is " + Echo.of(v) + "; allowed: an integer");
  }

  int intValue(String key, int fallback, int min, int max) {
    return intOf(run.get(key), key, fallback, min, max);
  }

  private int intOf(Object v, String key, int fallback, int min, int max) {
    if (v == null) {
      return fallback;
    }
    if ((v instanceof Integer || v instanceof Long) && ((Number) v).longValue() >= min
        && ((Number) v).longValue() <= max) {
      return ((Number) v).intValue();
    }
    throw new JobException(file, key, "is " + Echo.of(v) + notFinite(v) + "; allowed: an integer in [" + min + ", "
        + max + "]");
  }

  double doubleValue(String key, double fallback, double min, double max) {
    return doubleOf(run.get(key), key, fallback, min, max);
  }

  double doubleIn(Map<String, Object> map, String path, String key, double fallback, double min, double max) {
    return doubleOf(map.get(key), path, fallback, min, max);
  }

  private double doubleOf(Object v, String key, double fallback, double min, double max) {
    if (v == null) {
      return fallback;
    }
    if (v instanceof Number n && n.doubleValue() >= min && n.doubleValue() <= max) {
      return n.doubleValue();
    }
    throw new JobException(file, key, "is " + Echo.of(v) + notFinite(v) + "; allowed: a number in [" + min + ", "
        + max + "]");
  }

  private static String notFinite(Object v) {
    return v instanceof Double d && !Double.isFinite(d) ? ", not a finite number" : "";
  }

  String choice(String key, String fallback, Set<String> allowed) {
    return stringIn(run, key, key, fallback, allowed);
  }

  String stringIn(Map<String, Object> map, String path, String key, String fallback, Set<String> allowed) {
    Object v = map.get(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof String || v instanceof Boolean) || !allowed.contains(v.toString())) {
      String near = v instanceof String s ? Names.nearest(s, allowed) : null;
      throw new JobException(file, path, "is " + Echo.of(v) + (near == null ? "" : " (did you mean '" + near
          + "'?)") + "; allowed: " + String.join(", ", new TreeSet<>(allowed)));
    }
    return v.toString();
  }

  /** A sub-map whose keys must be among {@code keys}. */
  @SuppressWarnings("unchecked")
  Map<String, Object> map(String key, Set<String> keys) {
    Object v = run.get(key);
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Map)) {
      throw new JobException(file, key, "is " + Echo.of(v) + "; allowed: a map with keys " + new TreeSet<>(keys));
    }
    Map<String, Object> m = (Map<String, Object>) v;
    for (String k : m.keySet()) {
      if (!keys.contains(k)) {
        String near = Names.nearest(k, keys);
        throw new JobException(file, key + "." + k, "unknown key" + (near == null ? ""
            : " (did you mean '" + near + "'?)") + "; allowed: " + String.join(", ", new TreeSet<>(keys)));
      }
    }
    return m;
  }

  /** {@code attack: omniscient} or {@code attack: {name: omniscient, ...}}. */
  @SuppressWarnings("unchecked")
  RuleSpec rule(String key, String fallback) {
    Object v = run.get(key);
    if (v == null) {
      return RuleSpec.of(fallback);
    }
    if (v instanceof String s && !s.isBlank()) {
      return RuleSpec.of(s);
    }
    if (v instanceof Map<?, ?> m && m.get("name") instanceof String name && !name.isBlank()) {
      Map<String, Object> params = new LinkedHashMap<>((Map<String, Object>) m);
      params.remove("name");
      return RuleSpec.of(name, params);
    }
    throw new JobException(file, key, "is " + Echo.of(v) + "; allowed: a name, or a map with a name and "
        + "parameters, e.g. {name: " + fallback + "}");
  }

  /** {@code lr: {schedule: inverse-sqrt, initial: 1.0}} or {@code lr: 0.01} (constant). */
  @SuppressWarnings("unchecked")
  RuleSpec schedule(String key) {
    Object v = run.get(key);
    if (v == null) {
      return RuleSpec.of("inverse-sqrt", Map.of("initial", 1.0));
    }
    if (v instanceof Number n) {
      return RuleSpec.of("constant", Map.of("initial", n));
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> params = new LinkedHashMap<>((Map<String, Object>) m);
      Object schedule = params.remove("schedule");
      if (schedule == null || schedule instanceof String s && !s.isBlank()) {
        return RuleSpec.of(schedule == null ? "constant" : (String) schedule, params);
      }
    }
    throw new JobException(file, key, "is " + Echo.of(v) + "; allowed: a number or {schedule: constant|step|"
        + "inverse-sqrt|inverse-linear, initial: ..., factor: ..., every: ...}");
  }

  BatchSize batch(String key) {
    Object v = run.get(key);
    if ("t".equals(v)) {
      return new BatchSize(0, true);
    }
    return new BatchSize(intOf(v, key + " (or t)", 1, 1, Integer.MAX_VALUE), false);
  }

  /** Runs a factory or check; its one-line message gets the file and key in front. */
  <T> T build(String key, Supplier<T> factory) {
    try {
      return factory.get();
    } catch (IllegalArgumentException e) {
      throw new JobException(file, key, e.getMessage());
    }
  }
}
