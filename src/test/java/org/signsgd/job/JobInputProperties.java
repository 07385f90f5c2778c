package org.signsgd.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import org.signsgd.cli.Cli;

/**
 * Job files and {@code --set} values mutated at random (types swapped, keys misspelled, added, dropped or given
 * twice, numbers out of range, huge, negative or not finite, deep nesting, random bytes, empty and null values)
 * either load, and then every run's effective settings agree with every value the file and the command line
 * state, or fail with one line of at most 300 characters: a {@link JobException} or an
 * {@link IllegalArgumentException}, never another exception, never a stack overflow. The failures go through
 * {@code train} too, which must exit 2 with that one line before Spark starts.
 */
class JobInputProperties {
  private static final ObjectMapper PLAIN_YAML = new ObjectMapper(new YAMLFactory());
  private static Path dir;

  /** A YAML node: a map (entries in order, a key may repeat), a list, or a scalar as written. */
  private sealed interface Node permits MapNode, ListNode, Scalar {}

  private record Entry(String key, Node value) {}

  private record MapNode(List<Entry> entries) implements Node {}

  private record ListNode(List<Node> items) implements Node {}

  private record Scalar(String text) implements Node {}

  private static final String[] BASES = {
      """
      name: fuzz
      seed: 3
      model: {name: quadratic, dim: 20, noise_std: 1.0, x0: 1.0}
      data: {name: synthetic}
      workers: 9
      byzantine: 2
      attack: {name: omniscient}
      aggregator: {name: majority-vote, tie: plus}
      momentum: {beta: 0.9, at: worker}
      batch_size: 4
      iterations: 30
      lr: {schedule: step, initial: 0.1, factor: 0.5, every: 10}
      engine: inprocess
      """,
      """
      name: dense
      model: logistic
      workers: 11
      byzantine: 2
      declared_byzantine: 3
      attack: {name: alie, z: implementations}
      aggregator: {name: multi-krum, m: 4}
      lr: 0.05
      weight_decay: 0.0001
      gradient_clip: 2.0
      eval_every: 5
      worker_metrics: true
      workers_per_partition: 2
      """,
      """
      name: grid
      model: {name: quadratic, dim: 8}
      workers: 7
      attack: blind-flip
      iterations: 12
      batch_size: t
      grid:
        byzantine: [0, 1, 2]
        variants: [{aggregator: mean, attack: reversed-sum}, {aggregator: {name: sign-fd, t_in: 5}}]
      """,
      """
      name: fd
      model: {name: linear, samples: 200}
      workers: 15
      byzantine: 3
      attack: {name: stochastic-sign-flip, r: 0.25}
      aggregator: {name: sign-fv, t_in: 10, gamma: 0.9, max_llr: 5}
      momentum: {beta: 0.5, at: server, nesterov: true}
      lr: {schedule: inverse-linear, initial: 0.5, decay_steps: 100, every: 3}
      checkpoint_every: 7
      checkpoint_dir: /tmp/ckpt
      """};

  private static final String[] KEYS = {"name", "seed", "model", "data", "workers", "byzantine",
      "declared_byzantine", "attack", "aggregator", "momentum", "weight_decay", "batch_size", "iterations", "lr",
      "eval_every", "reference_every", "engine", "checkpoint_every", "flush_every", "check_every", "gradient_clip",
      "l2_penalty", "worker_metrics", "workers_per_partition", "grid", "dim", "tie", "beta", "initial", "name",
      "r", "m", "t_in", "noise_std", "x0", "schedule", "every", "factor", "neighbours", "z", "factor", "gamma"};

  private static final String[] SCALARS = {"-1", "0", "1", "2", "7", "1e400", "-1e400", "1e308", "-0.0", "0.5",
      "99999999999999999999999", "2147483648", "-2147483649", ".nan", ".NaN", ".inf", "-.inf", "+.Inf", "NaN",
      "Infinity", "0x10", "1_000", "3.7", "'5'", "\"0.25\"", "true", "false", "yes", "t", "auto", "omniscient",
      "krum", "mean", "plus", "zero", "worker", "server", "spark", "inprocess", "normal", "abc", "''", "~", "null",
      "", "[]", "{}", "[1, 2]", "{name: krum}", "{name: mean, f: 2}", "1.0e-300", "1e-7", "100000000",
      "100000001", "-5", "0.999999", "1.5", "&a 1", "*a", "!!binary aGk=", "!!str 5", "\"a\\nb\"", "2001-01-01",
      "{name: a, name: b}", "[1, ~]"};

  private static final String[] SET_PATHS = {"iterations", "byzantine", "workers", "lr", "lr.initial",
      "lr.schedule", "attack", "attack.name", "attack.r", "aggregator", "aggregator.tie", "aggregator.name",
      "grid.seed", "grid.byzantine", "grid.lr.initial", "model.dim", "model", "momentum.beta", "momentum.at",
      "seed", "name", "batch_size", "engine", "data", "itrations", "mometum.beta", "workers_per_partition", "a.b.c",
      "grid", "declared_byzantine"};

  /** Settings a user plausibly writes (key path, value): most load, some clash (a dense attack on a sign rule). */
  private static final String[][] PLAUSIBLE = {{"iterations", "1"}, {"iterations", "50"}, {"byzantine", "0"},
      {"byzantine", "1"}, {"byzantine", "3"}, {"workers", "9"}, {"workers", "15"}, {"seed", "42"}, {"seed", "-7"},
      {"lr", "0.01"}, {"lr", "{schedule: inverse-sqrt, initial: 0.3}"}, {"lr", "{initial: 0.2}"},
      {"lr.initial", "0.001"}, {"attack", "none"}, {"attack", "blind-flip"}, {"attack", "zeroing"},
      {"attack", "{name: gaussian, std: 2}"}, {"attack", "{name: stochastic-sign-flip, r: 0.1}"},
      {"attack", "{name: zeroing, start: plus}"}, {"attack", "{name: mimic, target: 1}"},
      {"aggregator", "majority-vote"}, {"aggregator", "{name: majority-vote, tie: random}"}, {"aggregator", "mean"},
      {"aggregator", "median"}, {"aggregator", "{name: trimmed-mean, b: 1}"}, {"aggregator", "{name: nnm, then: krum}"},
      {"aggregator", "{name: krum, neighbours: 3}"}, {"aggregator", "{name: geometric-median, nu: 0.5}"},
      {"aggregator", "{name: centered-clipping, tau: 10}"}, {"aggregator", "{name: bulyan, variant: lpd}"},
      {"momentum.beta", "0.5"}, {"momentum.at", "server"}, {"momentum.nesterov", "true"},
      {"momentum.dampening", "0.1"}, {"batch_size", "8"}, {"batch_size", "t"}, {"engine", "spark"},
      {"eval_every", "3"}, {"model.dim", "50"}, {"name", "a.b-c_d"}, {"weight_decay", "0.001"},
      {"gradient_clip", "1"}, {"l2_penalty", "0.0001"}, {"worker_metrics", "false"}, {"reference_every", "2"},
      {"flush_every", "10"}, {"check_every", "5"}, {"checkpoint_every", "3"}, {"workers_per_partition", "auto"},
      {"workers_per_partition", "3"}, {"declared_byzantine", "1"}, {"model", "{name: quadratic, x0: normal}"},
      {"model.noise_std", "0"}, {"aggregator.tie", "ZERO"}, {"attack.r", "'0.5'"}};

  @AfterContainer
  static void removeFiles() throws IOException {
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static synchronized Path dir() throws IOException {
    if (dir == null) {
      dir = Files.createTempDirectory("job-fuzz");
    }
    return dir;
  }

  @Property(tries = 400, seed = "20240611")
  void aMutatedJobLoadsAsWrittenOrFailsInOneLine(@ForAll long seed) throws Exception {
    Random rng = new Random(seed);
    MapNode job = parse(BASES[rng.nextInt(BASES.length)]);
    List<String> overrides = new ArrayList<>();
    // 4 tries in 10 change settings the way a user would; the others break the file (mostly in one place, so
    // that the one fault decides the outcome) or give one bad --set value
    int mode = rng.nextInt(10);
    if (mode < 4) {
      for (int k = rng.nextInt(4); k >= 0; k--) {
        String[] setting = PLAUSIBLE[rng.nextInt(PLAUSIBLE.length)];
        if (rng.nextBoolean() || setting[0].contains(".")) {
          overrides.add(setting[0] + "=" + setting[1]);
        } else {
          job.entries().removeIf(e -> e.key().equals(setting[0]));
          job.entries().add(new Entry(setting[0], flow(setting[1])));
        }
      }
    } else if (mode < 8) {
      for (int k = rng.nextInt(10) < 7 ? 1 : 2 + rng.nextInt(2); k > 0; k--) {
        mutate(job, rng);
      }
      if (rng.nextInt(5) == 0) {
        overrides.add(override(rng));
      }
    } else {
      overrides.add(override(rng));
    }
    byte[] bytes = emit(job).getBytes(StandardCharsets.UTF_8);
    if (mode >= 4 && mode < 8 && rng.nextInt(10) == 0) {
      bytes = corrupt(bytes, rng);
    }
    Path file = dir().resolve("job-" + Long.toHexString(seed) + ".yaml");
    Files.write(file, bytes);
    List<JobSpec> runs;
    try {
      runs = JobFile.load(file, overrides);
    } catch (JobException | IllegalArgumentException e) {
      assertOneLine(e.getMessage());
      List<String> args = new ArrayList<>(List.of("train", file.toString(), "--out",
          dir().resolve("out").toString()));
      overrides.forEach(o -> args.addAll(List.of("--set", o)));
      Cli.Result r = Cli.run(args.toArray(String[]::new));
      assertThat(r.code()).as(r.err()).isEqualTo(2);
      assertThat(r.err()).isEqualTo("error: " + e.getMessage() + System.lineSeparator());
      assertOneLine(r.err().strip());
      return;
    }
    assertAgrees(stated(bytes, overrides), runs);
  }

  private static void assertOneLine(String message) {
    assertThat(message).isNotBlank().hasSizeLessThanOrEqualTo(300).doesNotContain("\n", "\r", "\u2028", "\u2029");
  }

  // ---- what the file and the --set values state, read by plain Jackson (only for jobs that loaded) ----

  @SuppressWarnings("unchecked")
  private static Map<String, Object> stated(byte[] bytes, List<String> overrides) throws IOException {
    Map<String, Object> job = PLAIN_YAML.readValue(new String(bytes, StandardCharsets.UTF_8), LinkedHashMap.class);
    for (String o : overrides) {
      int eq = o.indexOf('=');
      String path = o.substring(0, eq).trim();
      Object value = PLAIN_YAML.readValue(o.substring(eq + 1), Object.class);
      String[] parts = path.split("\\.");
      if (parts.length > 2 && parts[0].equals("grid")) {
        parts = new String[] {"grid", path.substring(5)};
      }
      Map<String, Object> node = job;
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
    return job;
  }

  @SuppressWarnings("unchecked")
  private static void assertAgrees(Map<String, Object> stated, List<JobSpec> runs) throws IOException {
    Map<String, Object> grid = (Map<String, Object>) stated.remove("grid");
    List<String> varied = new ArrayList<>();
    if (grid != null) {
      grid.forEach((axis, values) -> {
        if (axis.equals("variants")) {
          ((List<Map<String, Object>>) values).forEach(v -> varied.addAll(v.keySet()));
        } else {
          varied.add(axis.split("\\.")[0]);
        }
      });
    }
    for (JobSpec run : runs) {
      Map<String, Object> effective = PLAIN_YAML.readValue(run.json(), LinkedHashMap.class);
      Map<String, Object> leaves = new LinkedHashMap<>();
      stated.forEach((k, v) -> {
        if (!varied.contains(k)) {
          normalise(k, v, leaves);
        }
      });
      leaves.forEach((path, value) -> assertThat(same(value, at(effective, path), path))
          .as("%s: the file says %s, the run uses %s (%s)", path, value, at(effective, path), run.json()).isTrue());
      if (grid != null) {
        grid.forEach((axis, values) -> {
          // an axis whose key another axis or a variant also sets may end with that one's value
          String top = axis.split("\\.")[0];
          if (!axis.equals("variants") && varied.stream().filter(top::equals).count() == 1) {
            Object used = at(effective, axis.contains(".") ? axis : normalisedPath(axis, effective));
            assertThat(((List<Object>) values).stream().anyMatch(v -> {
              Map<String, Object> one = new LinkedHashMap<>();
              normalise(axis, v, one);
              return one.entrySet().stream().allMatch(e -> same(e.getValue(), at(effective, e.getKey()), e.getKey()));
            })).as("%s: %s is none of %s", axis, used, values).isTrue();
          }
        });
      }
    }
  }

  private static String normalisedPath(String axis, Map<String, Object> effective) {
    return effective.get(axis) instanceof Map<?, ?> m && m.containsKey("name") ? axis + ".name"
        : effective.get(axis) instanceof Map<?, ?> m2 && m2.containsKey("schedule") ? axis + ".schedule" : axis;
  }

  /** The dotted leaves a stated value sets, in the effective settings' form. */
  @SuppressWarnings("unchecked")
  private static void normalise(String path, Object value, Map<String, Object> out) {
    // a pre-aggregator's then: NAME is recorded as {name: NAME, ...the inner rule's parameters}
    boolean named = List.of("model", "data", "attack", "aggregator").contains(path)
        || path.startsWith("aggregator.") && path.endsWith(".then");
    if (named && value instanceof String s) {
      out.put(path + ".name", s);
    } else if (path.equals("lr") && value instanceof Number n) {
      out.put("lr.schedule", "constant");
      out.put("lr.initial", n);
    } else if (value instanceof Map<?, ?> m) {
      if (path.equals("lr") && !m.containsKey("schedule")) {
        out.put("lr.schedule", "constant");
      }
      ((Map<String, Object>) m).forEach((k, v) -> normalise(path + "." + k, v, out));
    } else {
      out.put(path, value);
    }
  }

  private static Object at(Map<String, Object> effective, String path) {
    Object node = effective;
    for (String part : path.split("\\.")) {
      if (!(node instanceof Map<?, ?> m) || !m.containsKey(part)) {
        return Missing.MISSING;
      }
      node = m.get(part);
    }
    return node;
  }

  private enum Missing { MISSING }

  private static boolean same(Object stated, Object used, String path) {
    if (used == Missing.MISSING || stated == null) {
      return false;
    }
    if (path.equals("data.dir")) {
      return Path.of(stated.toString()).toAbsolutePath().normalize().toString().equals(used);
    }
    if (used instanceof Number u) {
      double s;
      if (stated instanceof Number n) {
        s = n.doubleValue();
      } else {
        try {
          s = Double.parseDouble(stated.toString());
        } catch (NumberFormatException e) {
          return false;
        }
      }
      return s == u.doubleValue();
    }
    return String.valueOf(stated).toLowerCase(Locale.ROOT).equals(String.valueOf(used).toLowerCase(Locale.ROOT));
  }

  // ---- mutations ----

  private static MapNode parse(String yaml) {
    MapNode root = new MapNode(new ArrayList<>());
    String key = null;
    StringBuilder block = null;
    for (String line : yaml.lines().toList()) {
      if (line.startsWith("  ")) {
        block.append(line.strip()).append(", ");
        continue;
      }
      if (block != null) {
        root.entries().add(new Entry(key, flow("{" + block.substring(0, block.length() - 2) + "}")));
        block = null;
      }
      int colon = line.indexOf(':');
      key = line.substring(0, colon);
      String rest = line.substring(colon + 1).strip();
      if (rest.isEmpty()) {
        block = new StringBuilder();
      } else {
        root.entries().add(new Entry(key, flow(rest)));
      }
    }
    if (block != null) {
      root.entries().add(new Entry(key, flow("{" + block.substring(0, block.length() - 2) + "}")));
    }
    return root;
  }

  /** A flow value of the base jobs (maps, lists, plain scalars) as nodes. */
  private static Node flow(String text) {
    int[] at = {0};
    return flowNode(text, at);
  }

  private static Node flowNode(String s, int[] at) {
    while (s.charAt(at[0]) == ' ') {
      at[0]++;
    }
    char c = s.charAt(at[0]);
    if (c == '{') {
      at[0]++;
      MapNode m = new MapNode(new ArrayList<>());
      while (s.charAt(at[0]) != '}') {
        int colon = s.indexOf(':', at[0]);
        String key = s.substring(at[0], colon).strip();
        at[0] = colon + 1;
        m.entries().add(new Entry(key, flowNode(s, at)));
        skipComma(s, at);
      }
      at[0]++;
      return m;
    }
    if (c == '[') {
      at[0]++;
      ListNode l = new ListNode(new ArrayList<>());
      while (s.charAt(at[0]) != ']') {
        l.items().add(flowNode(s, at));
        skipComma(s, at);
      }
      at[0]++;
      return l;
    }
    int end = at[0];
    while (end < s.length() && ",}]".indexOf(s.charAt(end)) < 0) {
      end++;
    }
    String scalar = s.substring(at[0], end).strip();
    at[0] = end;
    return new Scalar(scalar);
  }

  private static void skipComma(String s, int[] at) {
    while (at[0] < s.length() && (s.charAt(at[0]) == ' ' || s.charAt(at[0]) == ',')) {
      at[0]++;
    }
  }

  private static String emit(MapNode root) {
    StringBuilder out = new StringBuilder();
    for (Entry e : root.entries()) {
      out.append(e.key()).append(": ").append(emitFlow(e.value())).append('\n');
    }
    return out.toString();
  }

  private static String emitFlow(Node n) {
    if (n instanceof Scalar s) {
      return s.text();
    }
    if (n instanceof ListNode l) {
      return "[" + String.join(", ", l.items().stream().map(JobInputProperties::emitFlow).toList()) + "]";
    }
    return "{" + String.join(", ", ((MapNode) n).entries().stream().map(e -> e.key() + ": " + emitFlow(e.value()))
        .toList()) + "}";
  }

  /** Every map in the tree, the root first. */
  private static List<MapNode> maps(Node n, List<MapNode> out) {
    if (n instanceof MapNode m) {
      out.add(m);
      m.entries().forEach(e -> maps(e.value(), out));
    } else if (n instanceof ListNode l) {
      l.items().forEach(i -> maps(i, out));
    }
    return out;
  }

  private static void mutate(MapNode job, Random rng) {
    List<MapNode> maps = maps(job, new ArrayList<>());
    MapNode m = maps.get(rng.nextInt(maps.size()));
    if (m.entries().isEmpty()) {
      m.entries().add(new Entry(KEYS[rng.nextInt(KEYS.length)], new Scalar(SCALARS[rng.nextInt(SCALARS.length)])));
      return;
    }
    int i = rng.nextInt(m.entries().size());
    Entry e = m.entries().get(i);
    switch (rng.nextInt(9)) {
      case 0 -> m.entries().set(i, new Entry(e.key(), swapType(e.value(), rng)));
      case 1 -> m.entries().set(i, new Entry(misspell(e.key(), rng), e.value()));
      case 2 -> m.entries().add(rng.nextInt(m.entries().size() + 1), new Entry(rng.nextBoolean()
          ? KEYS[rng.nextInt(KEYS.length)] : misspell("extra", rng), new Scalar(SCALARS[rng.nextInt(SCALARS.length)])));
      case 3 -> m.entries().remove(i);
      case 4, 5 -> m.entries().set(i, new Entry(e.key(), new Scalar(SCALARS[rng.nextInt(SCALARS.length)])));
      case 6 -> m.entries().set(i, new Entry(e.key(), deep(rng)));
      case 7 -> m.entries().add(rng.nextInt(m.entries().size() + 1), new Entry(e.key(), rng.nextBoolean()
          ? e.value() : new Scalar(SCALARS[rng.nextInt(SCALARS.length)])));
      default -> m.entries().set(i, new Entry(e.key(), new Scalar(rng.nextBoolean() ? "" : "~")));
    }
  }

  private static Node swapType(Node n, Random rng) {
    return switch (rng.nextInt(4)) {
      case 0 -> new ListNode(new ArrayList<>(List.of(n)));
      case 1 -> new MapNode(new ArrayList<>(List.of(new Entry("name", n))));
      case 2 -> n instanceof Scalar s ? new Scalar("'" + s.text().replace("'", "''") + "'") : new Scalar("x");
      default -> n instanceof MapNode m && !m.entries().isEmpty() ? m.entries().get(0).value() : new Scalar("3");
    };
  }

  private static String misspell(String key, Random rng) {
    StringBuilder b = new StringBuilder(key);
    int at = rng.nextInt(b.length() + 1);
    switch (rng.nextInt(3)) {
      case 0 -> b.insert(at, (char) ('a' + rng.nextInt(26)));
      case 1 -> {
        if (b.length() > 1) {
          b.deleteCharAt(Math.min(at, b.length() - 1));
        }
      }
      default -> b.setCharAt(Math.min(at, b.length() - 1), (char) ('a' + rng.nextInt(26)));
    }
    return b.toString();
  }

  private static Node deep(Random rng) {
    int depth = new int[] {2, 5, 30, 31, 32, 33, 100, 1_000, 5_000}[rng.nextInt(9)];
    return new Scalar(rng.nextBoolean() ? "[".repeat(depth) + "1" + "]".repeat(depth)
        : "{a: ".repeat(depth) + "1" + "}".repeat(depth));
  }

  private static byte[] corrupt(byte[] bytes, Random rng) {
    if (rng.nextInt(4) == 0) {
      byte[] random = new byte[1 + rng.nextInt(200)];
      rng.nextBytes(random);
      return random;
    }
    byte[] out = new byte[bytes.length + 3];
    int at = rng.nextInt(bytes.length + 1);
    System.arraycopy(bytes, 0, out, 0, at);
    byte[] junk = {(byte) rng.nextInt(256), (byte) 0xC3, (byte) rng.nextInt(256)};
    System.arraycopy(junk, 0, out, at, 3);
    System.arraycopy(bytes, at, out, at + 3, bytes.length - at);
    return out;
  }

  private static String override(Random rng) {
    String path = SET_PATHS[rng.nextInt(SET_PATHS.length)];
    String value = rng.nextInt(5) == 0 ? emitFlow(deep(rng)) : SCALARS[rng.nextInt(SCALARS.length)];
    return rng.nextInt(20) == 0 ? path : path + "=" + value;
  }
}
