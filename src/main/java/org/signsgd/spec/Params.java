package org.signsgd.spec;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Typed, checked access to a rule's parameters. Every read names the parameter it takes; {@link #done()}
 * rejects the keys nobody read, so a typo in a job file is an error (with the nearest valid key), never a
 * silently ignored setting. Every read also records the value it returned, the default included
 * ({@link #used()}): the settings a run actually used, for its provenance. A default outside the allowed range
 * is a placeholder the rule replaces with a value it derives (Krum's n − f − 2 neighbours) and is recorded as
 * {@value #AUTO}.
 */
public final class Params {
  /** How {@link #used()} records a default that the rule derives from the run (e.g. from n and f). */
  public static final String AUTO = "auto";
  private final String owner;
  private final Map<String, Object> values;
  private final Set<String> known = new TreeSet<>();
  private final Map<String, Object> used = new TreeMap<>();

  public Params(String owner, Map<String, Object> values) {
    this.owner = owner;
    this.values = values;
  }

  public static Params of(RuleSpec spec) {
    return new Params(spec.name(), spec.params());
  }

  public double doubleValue(String key, double fallback, double min, double max) {
    return doubleIn(key, fallback, min, max, "a number in [" + min + ", " + max + "]");
  }

  /** A finite number > 0 (a learning rate, a decay length). */
  public double positiveValue(String key, double fallback) {
    return doubleIn(key, fallback, Double.MIN_VALUE, Double.MAX_VALUE, "a finite number > 0");
  }

  private double doubleIn(String key, double fallback, double min, double max, String allowed) {
    known.add(key);
    Object raw = values.get(key);
    if (raw == null) {
      return use(key, fallback);
    }
    double v;
    if (raw instanceof Number n) {
      v = n.doubleValue();
    } else {
      try {
        v = Double.parseDouble(raw.toString());
      } catch (NumberFormatException e) {
        throw bad(key, raw, allowed);
      }
    }
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(owner + ": parameter " + key + " is " + Echo.of(raw)
          + ", not a finite number; allowed: " + allowed);
    }
    if (!(v >= min && v <= max)) {
      throw bad(key, raw, allowed);
    }
    return use(key, v);
  }

  public int intValue(String key, int fallback, int min, int max) {
    known.add(key);
    Object raw = values.get(key);
    if (raw == null) {
      return fallback >= min && fallback <= max ? use(key, fallback) : placeholder(key, fallback);
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
    return use(key, (int) v);
  }

  private int placeholder(String key, int fallback) {
    used.put(key, AUTO);
    return fallback;
  }

  /** The value as written (marks the key as known), or null; the caller records what it makes of it. */
  public Object raw(String key) {
    known.add(key);
    return values.get(key);
  }

  /** A closed choice: the value must be one of {@code allowed} (case-insensitive kebab names). */
  public <E extends Enum<E>> E choice(String key, E fallback, Function<String, E> parse, E[] allowed) {
    known.add(key);
    Object raw = values.get(key);
    E made;
    if (raw == null) {
      made = fallback;
    } else {
      try {
        made = parse.apply(raw.toString().toLowerCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw bad(key, raw, "one of " + Arrays.stream(allowed).map(Params::kebab).toList());
      }
    }
    use(key, kebab(made));
    return made;
  }

  /** One of {@code allowed} (lowercase names, compared case-insensitively); the first is the default. */
  public String oneOf(String key, List<String> allowed) {
    known.add(key);
    Object raw = values.get(key);
    String v = raw == null ? allowed.get(0) : raw.toString().toLowerCase(Locale.ROOT);
    if (!allowed.contains(v)) {
      throw bad(key, raw, String.join(", ", allowed));
    }
    return use(key, v);
  }

  /** Records {@code value} as what the run uses for {@code key} (a value the caller made of {@link #raw}). */
  public <V> V use(String key, V value) {
    known.add(key);
    used.put(key, value);
    return value;
  }

  /** Every parameter read so far with the value returned (the default when the job left it out), by key. */
  public Map<String, Object> used() {
    return Collections.unmodifiableMap(new TreeMap<>(used));
  }

  /** Rejects every key that no read asked for, naming the nearest known one. */
  public void done() {
    Set<String> unknown = new HashSet<>(values.keySet());
    unknown.removeAll(known);
    for (String key : new TreeSet<>(unknown)) {
      String near = Names.nearest(key, known);
      throw new IllegalArgumentException(owner + ": unknown parameter '" + Echo.of(key) + "'"
          + (near == null ? "" : " (did you mean '" + near + "'?)") + "; allowed: "
          + (known.isEmpty() ? "none" : String.join(", ", known)));
    }
  }

  private static String kebab(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private IllegalArgumentException bad(String key, Object raw, String allowed) {
    return new IllegalArgumentException(owner + ": parameter " + key + " is " + Echo.of(raw) + "; allowed: "
        + allowed);
  }
}
