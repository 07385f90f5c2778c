package org.signsgd.job;

import java.util.LinkedHashMap;
import java.util.Map;
import org.signsgd.spec.Echo;

/**
 * {@code --set key.path=value}: the value is read as YAML, so numbers, lists and maps keep their types. An empty
 * or null value is refused (it would otherwise run the default silently), as is anything {@link JobYaml}
 * refuses in a file.
 */
public final class Overrides {
  private Overrides() {}

  public static void apply(Map<String, Object> job, String assignment, String file) {
    int eq = assignment.indexOf('=');
    if (eq <= 0) {
      throw new JobException(file, "--set " + assignment, "expected key.path=value, e.g. --set iterations=50");
    }
    String path = assignment.substring(0, eq).trim();
    if (path.isEmpty() || path.startsWith(".") || path.endsWith(".") || path.contains("..")) {
      throw new JobException(file, "--set " + assignment, "the key path is not a.b.c; e.g. --set attack.name="
          + "blind-flip");
    }
    if (path.chars().filter(c -> c == '.').count() >= JobYaml.MAX_DEPTH) {
      throw new JobException(file, "--set " + path, "the key path is more than " + JobYaml.MAX_DEPTH
          + " keys deep; a job's settings nest a few levels");
    }
    Object value = parseValue(assignment.substring(eq + 1), file, path);
    put(job, path, value);
  }

  static Object parseValue(String text, String file, String path) {
    String keep = "; give one after '=', or leave this --set out to keep the job file's value"
        + (JobDefaults.of(path) == null ? "" : " (default: " + JobDefaults.of(path) + ")");
    if (text.isBlank()) {
      throw new JobException(file, "--set " + path, "the value after '=' is empty" + keep);
    }
    try {
      return JobYaml.read(text);
    } catch (JobYaml.Problem p) {
      String inner = p.path.isEmpty() ? "" : " at " + p.path;
      throw new JobException(file, "--set " + path, switch (p.kind) {
        case EMPTY -> "the value after '=' is empty" + keep;
        case NULL -> p.path.isEmpty() ? "the value '" + Echo.of(text.trim()) + "' is YAML's null" + keep
            : p.path.startsWith("[") ? "entry " + Echo.of(p.path) + " of the value is empty; give it a value, or "
            + "remove it" : "the key " + Echo.of(p.path) + " in the value has no value; give it one, or leave the key out";
        case DUPLICATE -> "the key " + Echo.of(p.path) + " appears twice in the value; keep one";
        case SYNTAX -> "the value '" + Echo.of(text) + "' is not valid YAML: " + p.getMessage();
        case OTHER -> "the value" + inner + " " + p.getMessage();
      });
    }
  }

  /** Sets {@code a.b.c} in nested maps, creating the maps on the way; a scalar on the way becomes {name: scalar}. */
  @SuppressWarnings("unchecked")
  static void put(Map<String, Object> root, String path, Object value) {
    String[] parts = path.split("\\.");
    if (parts.length > 2 && parts[0].equals("grid")) {
      // a grid axis is itself a dotted path: grid.lr.initial=[0.5] sets the axis "lr.initial"
      parts = new String[] {"grid", path.substring("grid.".length())};
    }
    Map<String, Object> node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      Object child = node.get(parts[i]);
      if (!(child instanceof Map)) {
        Map<String, Object> made = new LinkedHashMap<>();
        if (child != null) {
          made.put("name", child);
        }
        node.put(parts[i], made);
        child = made;
      }
      node = (Map<String, Object>) child;
    }
    node.put(parts[parts.length - 1], value);
  }
}
