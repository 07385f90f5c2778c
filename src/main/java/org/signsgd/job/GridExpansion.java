package org.signsgd.job;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import org.signsgd.spec.Echo;

/**
 * {@code grid:} turns one job into many runs: each key's list expands as a cartesian product (keys may be
 * dotted paths, e.g. {@code attack.name}); the special key {@code variants} lists partial jobs that are merged
 * in, one per run (e.g. SGD with its learning rate vs Signum with its own). The first axis varies slowest.
 * The runs are counted (the product of the axis sizes) before any is made, and made one at a time: run k is
 * the mixed-radix number k over the axis sizes.
 */
public final class GridExpansion {
  /**
   * The most runs a grid may make unless the command line raises it ({@code --max-runs}): five times the
   * largest shipped grid (jobs/elmhamdi-mnist-grid.yaml, 1840 runs, about 31 core-hours), and still checked in
   * about a second; a grid beyond it is most often a mistyped axis, and would take weeks to run.
   */
  public static final int DEFAULT_MAX_RUNS = 10_000;

  private GridExpansion() {}

  /** Every run of the job, the grid's expanded; at most {@code maxRuns}, else one line that says how many. */
  @SuppressWarnings("unchecked")
  public static Iterable<Map<String, Object>> expand(Map<String, Object> job, String file, int maxRuns) {
    Object grid = job.remove("grid");
    if (grid == null) {
      return List.of(job);
    }
    if (!(grid instanceof Map)) {
      throw new JobException(file, "grid", "is " + Echo.of(grid) + "; allowed: a map of key: [values]");
    }
    List<String> keys = new ArrayList<>();
    List<List<Object>> axes = new ArrayList<>();
    long count = 1;
    StringBuilder sizes = new StringBuilder();
    for (Map.Entry<String, Object> axis : ((Map<String, Object>) grid).entrySet()) {
      if (!(axis.getValue() instanceof List<?> values) || values.isEmpty()) {
        throw new JobException(file, "grid." + axis.getKey(), "is " + Echo.of(axis.getValue())
            + "; allowed: a non-empty list of values");
      }
      if (axis.getKey().equals("variants")) {
        for (Object value : values) {
          if (!(value instanceof Map)) {
            throw new JobException(file, "grid.variants", "entry " + Echo.of(value) + " is not a map of settings");
          }
        }
      }
      keys.add(axis.getKey());
      axes.add((List<Object>) values);
      count = count > Long.MAX_VALUE / values.size() ? Long.MAX_VALUE : count * values.size();
      sizes.append(sizes.length() == 0 ? "" : " × ").append(Echo.of(axis.getKey())).append(' ')
          .append(values.size());
    }
    if (count > maxRuns) {
      throw new JobException(file, "grid", String.format(Locale.ROOT, "makes %,d runs, more than the limit of %,d; narrow the "
          + "grid (e.g. --set 'grid.seed=[1]') or raise the limit with --max-runs %d (axes: %s)", count, maxRuns,
          count, sizes));
    }
    int runs = (int) count;
    return () -> new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < runs;
      }

      @Override
      public Map<String, Object> next() {
        if (next >= runs) {
          throw new NoSuchElementException();
        }
        return run(job, keys, axes, next++);
      }
    };
  }

  /**
   * Refuses a {@code --set} whose value the grid replaces in every run, which would otherwise be dropped without a
   * word (e.g. {@code --set aggregator.name=krum} on a job whose every variant names its aggregator): an axis over
   * the key or one of its parents, or {@code variants} that all set it. A key only some variants set stays (it is
   * the others' value).
   */
  @SuppressWarnings("unchecked")
  static void checkNotReplaced(Map<String, Object> job, String path, String file) {
    if (!(job.get("grid") instanceof Map<?, ?> grid) || path.isEmpty() || path.equals("grid")
        || path.startsWith("grid.")) {
      return;
    }
    for (Object key : grid.keySet()) {
      String axis = String.valueOf(key);
      if (!axis.equals("variants") && (path.equals(axis) || path.startsWith(axis + "."))) {
        throw new JobException(file, "--set " + path, "the grid's axis " + Echo.of(axis) + " sets it in every run, "
            + "so this value would never be used; change the axis instead (e.g. --set 'grid." + axis + "=[...]')");
      }
    }
    if (grid.get("variants") instanceof List<?> variants && !variants.isEmpty()
        && variants.stream().allMatch(v -> v instanceof Map && sets((Map<String, Object>) v, path.split("\\.")))) {
      throw new JobException(file, "--set " + path, "every entry of grid.variants sets it, so this value would never "
          + "be used; change it in the variants instead");
    }
  }

  /** Whether merging {@code variant} into a run replaces the setting at {@code parts}, or a map above it. */
  @SuppressWarnings("unchecked")
  private static boolean sets(Map<String, Object> variant, String[] parts) {
    Map<String, Object> at = variant;
    for (int i = 0; i < parts.length; i++) {
      if (!at.containsKey(parts[i])) {
        return false;
      }
      Object v = at.get(parts[i]);
      if (i == parts.length - 1 || !(v instanceof Map)) {
        return true;
      }
      at = (Map<String, Object>) v;
    }
    return false;
  }

  /** Run {@code index}: its digit for axis a is (index / (product of the later axes' sizes)) mod size(a). */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> run(Map<String, Object> job, List<String> keys, List<List<Object>> axes,
      int index) {
    int[] digits = new int[axes.size()];
    int rest = index;
    for (int a = axes.size() - 1; a >= 0; a--) {
      digits[a] = rest % axes.get(a).size();
      rest /= axes.get(a).size();
    }
    Map<String, Object> run = deepCopy(job);
    for (int a = 0; a < axes.size(); a++) {
      Object value = axes.get(a).get(digits[a]);
      if (keys.get(a).equals("variants")) {
        merge(run, (Map<String, Object>) value);
      } else {
        Overrides.put(run, keys.get(a), deepCopyValue(value));
      }
    }
    return run;
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
