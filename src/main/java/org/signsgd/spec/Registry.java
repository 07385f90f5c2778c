package org.signsgd.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Kebab-case names to factories, filled explicitly in one place (no reflection). A duplicate name fails at
 * start-up; an unknown name is a one-line error listing the known ones and the nearest.
 */
public final class Registry<T> {
  private final String kind;
  private final Map<String, Function<Params, T>> factories = new LinkedHashMap<>();

  /** @param kind what the entries are, for messages: "aggregator", "attack" */
  public Registry(String kind) {
    this.kind = kind;
  }

  public Registry<T> register(String name, Function<Params, T> factory) {
    if (!name.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
      throw new IllegalStateException(kind + " name '" + name + "' is not lowercase kebab-case");
    }
    if (factories.putIfAbsent(name, factory) != null) {
      throw new IllegalStateException(kind + " '" + name + "' is registered twice");
    }
    return this;
  }

  /** Builds the entry a spec names; unknown names and unknown or out-of-range parameters throw. */
  public T create(RuleSpec spec) {
    return build(spec).value();
  }

  /**
   * Builds the entry a spec names, with every parameter it read and the value it used (defaults included):
   * {@code {tie: zero}} for a bare {@code majority-vote}.
   */
  public Built<T> build(RuleSpec spec) {
    Function<Params, T> factory = factories.get(spec.name());
    if (factory == null) {
      String near = Names.nearest(spec.name(), factories.keySet());
      throw new IllegalArgumentException("unknown " + kind + " '" + Echo.of(spec.name()) + "'"
          + (near == null ? "" : " (did you mean '" + near + "'?)") + "; allowed: "
          + String.join(", ", factories.keySet()));
    }
    Params params = Params.of(spec);
    T made = factory.apply(params);
    params.done();
    return new Built<>(made, params.used());
  }

  /** What {@link #build} made, and the parameters it used by key. */
  public record Built<T>(T value, Map<String, Object> params) {}

  public boolean contains(String name) {
    return factories.containsKey(name);
  }

  /** The registered names, in registration order. */
  public List<String> names() {
    return Collections.unmodifiableList(List.copyOf(factories.keySet()));
  }
}
