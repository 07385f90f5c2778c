package org.signsgd.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.signsgd.aggregate.Aggregator;
import org.signsgd.aggregate.Rules;
import org.signsgd.attack.Attack;
import org.signsgd.attack.Attacks;
import org.signsgd.model.Models;
import org.signsgd.optim.Schedules;
import org.signsgd.spec.Names;
import org.signsgd.spec.RuleSpec;

/**
 * Reads a job file (DESIGN §4a): YAML, then {@code --set} overrides, then the grid, then every run is checked
 * (unknown keys with the nearest valid one, ranges, rule and attack names, the rule's (n, f) requirement, the
 * attack's message kind, the model's parameters) before any Spark work starts.
 */
public final class JobFile {
  static final Set<String> KEYS = Set.of("name", "seed", "model", "data", "workers", "byzantine",
      "declared_byzantine", "attack", "aggregator", "momentum", "weight_decay", "batch_size", "iterations", "lr",
      "eval_every", "reference_every", "engine", "checkpoint_every", "checkpoint_dir", "flush_every", "check_every",
      "gradient_clip", "l2_penalty", "worker_metrics",
      "workers_per_partition", "grid");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper().configure(
      SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private JobFile() {}

  /** Every run of the job at {@code path}, with the overrides applied. */
  public static List<JobSpec> load(Path path, List<String> overrides) {
    String file = path.toString();
    if (!Files.isRegularFile(path)) {
      throw new JobException(file, null, "no such job file; give a path like jobs/quickstart.yaml");
    }
    Map<String, Object> job;
    try {
      job = parse(Files.readString(path, StandardCharsets.UTF_8), file);
    } catch (IOException e) {
      throw new JobException(file, null, "cannot be read: " + e.getMessage());
    }
    for (String o : overrides) {
      Overrides.apply(job, o, file);
    }
    // configurations that a grid's variants make identical (e.g. an unattacked baseline that overrides the
    // attack axis) are one run: the first in grid order
    Map<String, JobSpec> runs = new LinkedHashMap<>();
    for (Map<String, Object> run : GridExpansion.expand(job, file)) {
      JobSpec spec = resolve(run, file);
      runs.putIfAbsent(spec.runId(), spec);
    }
    return new ArrayList<>(runs.values());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> parse(String text, String file) {
    try {
      Object root = YAML.readValue(text, Object.class);
      if (!(root instanceof Map)) {
        throw new JobException(file, null, "is not a YAML map of settings (name: ..., model: ..., ...)");
      }
      return new LinkedHashMap<>((Map<String, Object>) root);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      String first = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("").trim();
      throw new JobException(file, null, "is not valid YAML" + where + ": " + first);
    }
  }

  static JobSpec resolve(Map<String, Object> run, String file) {
    JobReader r = new JobReader(run, file);
    for (String key : run.keySet()) {
      if (!KEYS.contains(key)) {
        String near = Names.nearest(key, KEYS);
        throw new JobException(file, key, "unknown key" + (near == null ? "" : " (did you mean '" + near + "'?)")
            + "; allowed: " + String.join(", ", sorted(KEYS)));
      }
    }
    String name = r.string("name", "job");
    long seed = r.longValue("seed", 1);
    int workers = r.intValue("workers", 27, 1, 100_000);
    int byzantine = r.intValue("byzantine", 0, 0, workers);
    int declared = r.intValue("declared_byzantine", byzantine, 0, workers);
    RuleSpec model = r.rule("model", "quadratic");
    RuleSpec data = r.rule("data", "synthetic");
    RuleSpec attack = r.rule("attack", "none");
    RuleSpec aggregator = r.rule("aggregator", "majority-vote");
    Map<String, Object> momentum = r.map("momentum", Set.of("beta", "at", "dampening", "nesterov"));
    double beta = r.doubleIn(momentum, "momentum.beta", "beta", 0.0, 0, 0.999999);
    String at = r.stringIn(momentum, "momentum.at", "at", "worker", Set.of("worker", "server"));
    boolean nesterov = Boolean.parseBoolean(r.stringIn(momentum, "momentum.nesterov", "nesterov", "false",
        Set.of("true", "false")));
    double wd = r.doubleValue("weight_decay", 0.0, 0, 1e6);
    double clip = r.doubleValue("gradient_clip", 0.0, 0, 1e30);
    double l2 = r.doubleValue("l2_penalty", 0.0, 0, 1e6);
    BatchSize batch = r.batch("batch_size");
    int iterations = r.intValue("iterations", 500, 1, 100_000_000);
    RuleSpec lr = r.schedule("lr");
    int evalEvery = r.intValue("eval_every", 0, 0, Integer.MAX_VALUE);
    int referenceEvery = r.intValue("reference_every", 0, 0, Integer.MAX_VALUE);
    String engine = r.choice("engine", "spark", Set.of("spark", "inprocess"));
    int checkpointEvery = r.intValue("checkpoint_every", 50, 1, Integer.MAX_VALUE);
    String checkpointDir = r.string("checkpoint_dir", null);
    if (checkpointDir != null && checkpointDir.isBlank()) {
      throw new JobException(file, "checkpoint_dir", "is empty; give a directory on any Hadoop file system "
          + "(file:/..., hdfs://..., s3a://...) or leave the key out for local checkpoints");
    }
    int flushEvery = r.intValue("flush_every", 100, 1, Integer.MAX_VALUE);
    int checkEvery = r.intValue("check_every", 50, 1, Integer.MAX_VALUE);
    boolean workerMetrics = Boolean.parseBoolean(r.choice("worker_metrics", "false", Set.of("true", "false")));
    // auto (0): ceil(Q / cores) on a local master, 1 on a cluster
    int perPartition = "auto".equals(run.getOrDefault("workers_per_partition", "auto"))
        ? 0 : r.intValue("workers_per_partition", 1, 1, workers);

    Aggregator rule = r.build("aggregator", () -> Rules.create(aggregator));
    Attack atk = r.build("attack", () -> Attacks.create(attack));
    r.build("byzantine", () -> {
      atk.checkRequirement(workers, byzantine);
      return null;
    });
    r.build("aggregator", () -> {
      rule.checkRequirement(workers, declared);
      return null;
    });
    // dampening δ in v ← βv + (1 − δ)g: Signum's (1 − β) for sign rules, seed 003's 0 for dense ones
    double dampening = r.doubleIn(momentum, "momentum.dampening", "dampening",
        rule.kind() == org.signsgd.message.MessageKind.SIGN ? beta : 0.0, 0, 1);
    if (!atk.kinds().contains(rule.kind())) {
      throw new JobException(file, "attack", atk.name() + " forges " + atk.kinds().iterator().next().label()
          + " messages but " + rule.name() + " reads " + rule.kind().label() + " messages; pick an attack for "
          + rule.kind().label() + " messages");
    }
    r.build("lr", () -> Schedules.create(lr));
    r.build("model", () -> {
      Models.check(model, data, seed, workers);
      return null;
    });

    Map<String, Object> canonical = new TreeMap<>(run);
    canonical.remove("checkpoint_dir"); // where recovery files go does not change a run
    canonical.remove("worker_metrics"); // nor which metrics it writes
    Map<String, Object> m = new TreeMap<>(Map.of("beta", beta, "at", at));
    if (momentum.containsKey("dampening")) {
      m.put("dampening", dampening);
    }
    if (momentum.containsKey("nesterov")) {
      m.put("nesterov", nesterov);
    }
    canonical.put("momentum", m);
    if (Models.IMAGE_DATA.contains(data.name())) {
      // provenance: the data defaults that shape a run (the augmentation is off unless asked for)
      Map<String, Object> d = new TreeMap<>(data.params());
      d.put("name", data.name());
      d.putIfAbsent("split", "iid");
      d.putIfAbsent("augment", false);
      canonical.put("data", d);
    }
    String json = toJson(canonical, file);
    String runId = name + "-" + hash(json);
    return new JobSpec(runId, name, seed, model, data, workers, byzantine, declared, attack, aggregator, beta,
        at, dampening, nesterov, wd, clip, l2, batch, iterations, lr, evalEvery, referenceEvery, engine, checkpointEvery, checkpointDir, flushEvery, checkEvery,
        perPartition, workerMetrics, json);
  }

  private static List<String> sorted(Set<String> keys) {
    return keys.stream().filter(k -> !k.equals("grid")).sorted().toList();
  }

  private static String toJson(Map<String, Object> run, String file) {
    try {
      return JSON.writeValueAsString(run);
    } catch (JsonProcessingException e) {
      throw new JobException(file, null, "settings cannot be written as JSON: " + e.getOriginalMessage());
    }
  }

  private static String hash(String json) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
