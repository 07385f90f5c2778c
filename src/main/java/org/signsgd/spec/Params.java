package org.signsgd.spec;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Typed, checked access to a rule's parameters. Every read names the parameter it takes; {@link #done()}
 * rejects the keys nobody read, so a typo in a job file is an error (with the nearest valid key), never a
 * silently ignored setting.
 */
public final class Params {
  private final String owner;
  private final Map<String, Object> values;
  private final Set<String> known = new TreeSet<>();

  public Params(String owner, Map<String, Object> values) {
    this.owner = owner;
    this.values = values;
  }

  public static Params of(RuleSpec spec) {
    return new Params(spec.name(), spec.params());
  }

  public double doubleValue(String key, double fallback, double min, double max) {
    known.add(key);
    Object raw = values.get(key);
    if (raw == null) {
      return fallback;
    }
    double v;
    if (raw instanceof Number n) {
      v = n.doubleValue();
    } else {
      try {
        v = Double.parseDouble(raw.toString());
      } catch (NumberFormatException e) {
        throw bad(key, raw, "a number in [" + min + ", " + max + "]");
      }
    }
    if (!(v >= min && v <= max)) {
      throw bad(key, raw, "a number in [" + min + ", " + max + "]");
    }
    return v;
  }

  public int intValue(String key, int fallback, int min, int max) {
    known.add(key);
    Object raw = values.get(key);
    if (raw == null) {
      return fallback;
    }
    String allowed = "an integer in [" + min + ", " + max + "]";
    long v;
    if (raw instanceof Integer || raw instanceof Long || raw instanceof Short) {
      v = ((Number) raw).longValue();
    } else {
      try {
        v = Long.parseLong(raw.toString());
      } catch (NumberFormatException e) {
        throw bad(key, raw, allowed);
      }
    }
    if (v < min || v > max) {
      throw bad(key, raw, allowed);
    }
    return (int) v;
  }

  /** The value as written (marks the key as known), or null. */
  public Object raw(String key) {
    known.add(key);
    return values.get(key);
  }

  /** A closed choice: the value must be one of {@code allowed} (case-insensitive kebab names). */
  public <E extends Enum<E>> E choice(String key, E fallback, Function<String, E> parse, E[] allowed) {
    known.add(key);
    Object raw = values.get(key);
    if (raw == null) {
      return fallback;
    }
    try {
      return parse.apply(raw.toString().toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw bad(key, raw, "one of " + Arrays.stream(allowed).map(a -> a.name().toLowerCase(Locale.ROOT)
          .replace('_', '-')).toList());
    }
  }

  /** Rejects every key that no read asked for, naming the nearest known one. */
  public void done() {
    Set<String> unknown = new HashSet<>(values.keySet());
    unknown.removeAll(known);
    for (String key : new TreeSet<>(unknown)) {
      String near = Names.nearest(key, known);
      throw new IllegalArgumentException(owner + ": unknown parameter '" + key + "'"
          + (near == null ? "" : " (did you mean '" + near + "'?)") + "; allowed: "
          + (known.isEmpty() ? "none" : String.join(", ", known)));
    }
  }

  private IllegalArgumentException bad(String key, Object raw, String allowed) {
    return new IllegalArgumentException(owner + ": parameter " + key + " is " + raw + "; allowed: " + allowed);
  }
}
