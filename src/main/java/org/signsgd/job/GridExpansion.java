package org.signsgd.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code grid:} turns one job into many runs: each key's list expands as a cartesian product (keys may be
 * dotted paths, e.g. {@code attack.name}); the special key {@code variants} lists partial jobs that are merged
 * in, one per run (e.g. SGD with its learning rate vs Signum with its own).
 */
public final class GridExpansion {
  private GridExpansion() {}

  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> expand(Map<String, Object> job, String file) {
    Object grid = job.remove("grid");
    List<Map<String, Object>> runs = new ArrayList<>();
    runs.add(job);
    if (grid == null) {
      return runs;
    }
    if (!(grid instanceof Map)) {
      throw new JobException(file, "grid", "is " + grid + "; allowed: a map of key: [values]");
    }
    for (Map.Entry<String, Object> axis : ((Map<String, Object>) grid).entrySet()) {
      if (!(axis.getValue() instanceof List<?> values) || values.isEmpty()) {
        throw new JobException(file, "grid." + axis.getKey(), "is " + axis.getValue()
            + "; allowed: a non-empty list of values");
      }
      List<Map<String, Object>> next = new ArrayList<>();
      for (Map<String, Object> run : runs) {
        for (Object value : values) {
          Map<String, Object> copy = deepCopy(run);
          if (axis.getKey().equals("variants")) {
            if (!(value instanceof Map)) {
              throw new JobException(file, "grid.variants", "entry " + value + " is not a map of settings");
            }
            merge(copy, (Map<String, Object>) value);
          } else {
            Overrides.put(copy, axis.getKey(), deepCopyValue(value));
          }
          next.add(copy);
        }
      }
      runs = next;
    }
    return runs;
  }

  @SuppressWarnings("unchecked")
  static void merge(Map<String, Object> into, Map<String, Object> from) {
    for (Map.Entry<String, Object> e : from.entrySet()) {
      if (e.getValue() instanceof Map && into.get(e.getKey()) instanceof Map) {
        merge((Map<String, Object>) into.get(e.getKey()), (Map<String, Object>) e.getValue());
      } else {
        into.put(e.getKey(), deepCopyValue(e.getValue()));
      }
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> deepCopy(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, deepCopyValue(v)));
    return out;
  }

  @SuppressWarnings("unchecked")
  static Object deepCopyValue(Object v) {
    if (v instanceof Map) {
      return deepCopy((Map<String, Object>) v);
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(deepCopyValue(x)));
      return out;
    }
    return v;
  }
}
