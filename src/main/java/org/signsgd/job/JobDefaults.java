package org.signsgd.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The default of a setting, as a message that asks for a value names it: read from the effective settings of a
 * job with no keys, so that the default named is the one a run uses.
 */
final class JobDefaults {
  private static final Map<String, Object> EFFECTIVE = effective();

  private JobDefaults() {}

  /**
   * "500" for {@code iterations}, "{schedule: inverse-sqrt, initial: 1.0}" for {@code lr}; null for a key whose
   * default depends on the rule or model it belongs to.
   */
  static String of(String path) {
    return switch (path) {
      case "declared_byzantine" -> "the value of byzantine";
      case "checkpoint_dir" -> "none, local checkpoints";
      case "device" -> "cpu";
      case "momentum.dampening" -> "beta for sign rules, 0 for dense rules";
      case "grid" -> null;
      default -> {
        Object value = EFFECTIVE.get(path);
        if (value == null && path.startsWith("momentum.")) {
          value = ((Map<?, ?>) EFFECTIVE.get("momentum")).get(path.substring("momentum.".length()));
        }
        yield value == null ? null : flow(value);
      }
    };
  }

  /** A value as YAML flow text: {name: majority-vote, tie: zero}. */
  private static String flow(Object value) {
    if (value instanceof Map<?, ?> m) {
      List<String> parts = new ArrayList<>();
      for (String first : List.of("name", "schedule")) {
        if (m.containsKey(first)) {
          parts.add(first + ": " + flow(m.get(first)));
        }
      }
      m.forEach((k, v) -> {
        if (!k.equals("name") && !k.equals("schedule")) {
          parts.add(k + ": " + flow(v));
        }
      });
      return "{" + String.join(", ", parts) + "}";
    }
    return String.valueOf(value);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> effective() {
    try {
      return new ObjectMapper().readValue(JobFile.resolve(new LinkedHashMap<>(), "defaults").json(), Map.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
