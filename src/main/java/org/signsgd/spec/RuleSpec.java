package org.signsgd.spec;

import java.util.Map;
import java.util.TreeMap;

/**
 * A rule or attack as a job file names it: {@code {name: krum, f: 2}} becomes
 * {@code RuleSpec("krum", {f: 2})}. The parameters are the keys other than {@code name}.
 */
public record RuleSpec(String name, Map<String, Object> params) implements java.io.Serializable {
  public RuleSpec {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a rule needs a name");
    }
    params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(params));
  }

  public static RuleSpec of(String name) {
    return new RuleSpec(name, Map.of());
  }

  public static RuleSpec of(String name, Map<String, Object> params) {
    return new RuleSpec(name, params);
  }
}
