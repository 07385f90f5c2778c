package org.signsgd.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --set key.path=value}: the value is read as YAML, so numbers, lists and maps keep their types. */
public final class Overrides {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Overrides() {}

  public static void apply(Map<String, Object> job, String assignment, String file) {
    int eq = assignment.indexOf('=');
    if (eq <= 0) {
      throw new JobException(file, "--set " + assignment, "expected key.path=value, e.g. --set iterations=50");
    }
    String path = assignment.substring(0, eq).trim();
    Object value = parseValue(assignment.substring(eq + 1), file, path);
    put(job, path, value);
  }

  static Object parseValue(String text, String file, String path) {
    if (text.isBlank()) {
      return null;
    }
    try {
      return YAML.readValue(text, Object.class);
    } catch (java.io.IOException e) {
      throw new JobException(file, path, "the value '" + text + "' is not valid YAML");
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
