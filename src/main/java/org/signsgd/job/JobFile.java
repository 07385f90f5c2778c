package org.signsgd.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
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
import org.signsgd.optim.LearningRate;
import org.signsgd.optim.Schedules;
import org.signsgd.spec.Names;
import org.signsgd.spec.Registry;
import org.signsgd.spec.RuleSpec;

/**
 * Reads a job file (README.md, Running jobs): YAML, then {@code --set} overrides, then the grid (counted first,
 * then expanded one run at a time), then every run is checked (unknown keys with the nearest valid one, ranges,
 * rule and attack names, the rule's (n, f) requirement, the attack's message kind, the model's parameters)
 * before any Spark work starts. Every failure is a {@link JobException}: one line naming the file, the key,
 * what is wrong and what is allowed.
 */
public final class JobFile {
  /** The settings of a job file, in the order of the documentation. */
  static final List<String> KEYS = List.of("name", "seed", "model", "data", "workers", "byzantine",
      "declared_byzantine", "attack", "aggregator", "momentum", "weight_decay", "batch_size", "iterations", "lr",
      "eval_every", "reference_every", "engine", "checkpoint_every", "checkpoint_dir", "flush_every", "check_every",
      "gradient_clip", "l2_penalty", "worker_metrics", "workers_per_partition", "aggregation",
      "aggregation_shards", "device", "resident_workers", "grid");
  private static final ObjectMapper JSON = new ObjectMapper().configure(
      SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private JobFile() {}

  /** Every run of the job at {@code path}, with the overrides applied; a grid makes at most 10,000 runs. */
  public static List<JobSpec> load(Path path, List<String> overrides) {
    return load(path, overrides, GridExpansion.DEFAULT_MAX_RUNS);
  }

  /**
   * Every run of the job at {@code path}, with the overrides applied.
   *
   * @param maxRuns the most runs its grid may make ({@code --max-runs}); the runs are counted before any is made
   */
  public static List<JobSpec> load(Path path, List<String> overrides, int maxRuns) {
    String file = path.toString();
    if (maxRuns < 1) {
      throw new JobException(file, "--max-runs", "is " + maxRuns + "; allowed: an integer >= 1");
    }
    Map<String, Object> job = parse(JobText.read(path, file), file);
    for (String o : overrides) {
      Overrides.apply(job, o, file);
    }
    for (String o : overrides) {
      GridExpansion.checkNotReplaced(job, o.substring(0, Math.max(0, o.indexOf('='))).strip(), file);
    }
    // configurations that a grid's variants make identical (e.g. an unattacked baseline that overrides the
    // attack axis) are one run: the first in grid order
    Map<String, JobSpec> runs = new LinkedHashMap<>();
    for (Map<String, Object> run : GridExpansion.expand(job, file, maxRuns)) {
      JobSpec spec = resolve(run, file);
      runs.putIfAbsent(spec.runId(), spec);
    }
    return new ArrayList<>(runs.values());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> parse(String text, String file) {
    Object root;
    try {
      root = JobYaml.read(text);
    } catch (JobYaml.Problem p) {
      String line = p.line > 0 ? " (line " + p.line + ")" : "";
      throw switch (p.kind) {
        case EMPTY -> new JobException(file, null, "is empty; a job file is a YAML map of settings (name: ..., "
            + "model: ..., ...)");
        case NULL -> new JobException(file, p.path, "has no value" + line + (p.path.endsWith("]")
            ? "; give one, or remove the entry" : "; give one, or leave the key out to use the default"
            + (JobDefaults.of(p.path) == null ? "" : " (" + JobDefaults.of(p.path) + ")")));
        case DUPLICATE -> new JobException(file, p.path, "appears twice" + line + "; keep one");
        case SYNTAX -> new JobException(file, null, "is not valid YAML" + (p.line > 0 ? " at line " + p.line : "")
            + ": " + p.getMessage());
        case OTHER -> new JobException(file, p.path.isEmpty() ? null : p.path, p.getMessage() + line);
      };
    }
    if (!(root instanceof Map)) {
      throw new JobException(file, null, "is not a YAML map of settings (name: ..., model: ..., ...)");
    }
    return new LinkedHashMap<>((Map<String, Object>) root);
  }

  static JobSpec resolve(Map<String, Object> run, String file) {
    JobReader r = new JobReader(run, file);
    for (String key : run.keySet()) {
      if (!KEYS.contains(key)) {
        String near = key.isBlank() ? null : Names.nearest(key, KEYS);
        throw new JobException(file, key.isEmpty() ? "''" : key, "unknown key" + (near == null ? ""
            : " (did you mean '" + near + "'?)") + "; allowed: " + String.join(", ", KEYS.subList(0, KEYS.size() - 1)));
      }
    }
    String name = r.name("name", "job");
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
    EngineKind engine = EngineKind.of(r.choice("engine", "spark", Set.of("spark", "inprocess")));
    int checkpointEvery = r.intValue("checkpoint_every", 50, 1, Integer.MAX_VALUE);
    String checkpointDir = r.text("checkpoint_dir", null);
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
    String aggregation = r.choice("aggregation", "auto", Set.of("auto", "driver", "sharded"));
    String resident = r.choice("resident_workers", "auto", Set.of("auto", "true", "false"));
    int shards = "auto".equals(run.getOrDefault("aggregation_shards", "auto"))
        ? 0 : r.intValue("aggregation_shards", 1, 1, 1_000_000);
    String device = r.choice("device", "cpu", Set.of("cpu", "gpu"));

    Registry.Built<Aggregator> builtRule = r.build("aggregator", () -> Rules.build(aggregator));
    Registry.Built<Attack> builtAttack = r.build("attack", () -> Attacks.build(attack));
    Aggregator rule = builtRule.value();
    Attack atk = builtAttack.value();
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
    if (resident.equals("true") && engine != EngineKind.SPARK) {
      throw new JobException(file, "resident_workers", "is true with engine " + engine.label() + "; resident "
          + "workers are Spark tasks: use engine: spark, or resident_workers: auto");
    }
    if (resident.equals("true") && aggregation.equals("sharded")) {
      throw new JobException(file, "resident_workers", "is true with aggregation: sharded; the shards read the "
          + "workers' messages from Spark's state of them, which resident workers keep in their tasks: use "
          + "aggregation: driver, or resident_workers: auto");
    }
    if (aggregation.equals("sharded")) {
      if (engine != EngineKind.SPARK) {
        throw new JobException(file, "aggregation", "is sharded with engine " + engine.label() + "; the shards are "
            + "Spark tasks: use engine: spark, or aggregation: driver");
      }
      if (!rule.shardable()) {
        throw new JobException(file, "aggregation", "is sharded, but " + rule.name() + " cannot be cut into chunks "
            + "of coordinates: use aggregation: driver; allowed: " + shardedRules());
      }
      if (!atk.shardable()) {
        throw new JobException(file, "aggregation", "is sharded, but the attack " + atk.name() + " cannot forge "
            + "chunk by chunk of coordinates: use aggregation: driver");
      }
    }
    Registry.Built<LearningRate> builtLr = r.build("lr", () -> Schedules.build(lr));
    Models.Settings modelSettings = r.build("model", () -> Models.check(model, data, seed, workers));

    // the effective settings (provenance): every setting with the value the run uses, defaults included
    Map<String, Object> effective = new TreeMap<>();
    effective.put("name", name);
    effective.put("seed", seed);
    effective.put("model", named("name", model.name(), modelSettings.model()));
    effective.put("data", named("name", data.name(), modelSettings.data()));
    effective.put("workers", workers);
    effective.put("byzantine", byzantine);
    effective.put("declared_byzantine", declared);
    effective.put("attack", named("name", attack.name(), builtAttack.params()));
    effective.put("aggregator", named("name", aggregator.name(), builtRule.params()));
    effective.put("momentum", new TreeMap<>(Map.of("beta", beta, "at", at, "dampening", dampening,
        "nesterov", nesterov)));
    effective.put("weight_decay", wd);
    effective.put("gradient_clip", clip);
    effective.put("l2_penalty", l2);
    effective.put("batch_size", batch.growing() ? "t" : batch.fixed());
    effective.put("iterations", iterations);
    effective.put("lr", named("schedule", lr.name(), builtLr.params()));
    effective.put("eval_every", evalEvery);
    effective.put("reference_every", referenceEvery);
    effective.put("engine", engine.label());
    effective.put("checkpoint_every", checkpointEvery);
    effective.put("checkpoint_dir", checkpointDir);
    effective.put("flush_every", flushEvery);
    effective.put("check_every", checkEvery);
    effective.put("worker_metrics", workerMetrics);
    effective.put("workers_per_partition", perPartition == 0 ? "auto" : perPartition);
    effective.put("aggregation", aggregation);
    effective.put("aggregation_shards", shards == 0 ? "auto" : shards);
    if (device.equals("gpu")) { // absent: cpu, as every run recorded before the key existed
      effective.put("device", device);
    }
    if (!resident.equals("auto")) { // absent: auto, as every run recorded before the key existed
      effective.put("resident_workers", Boolean.parseBoolean(resident));
    }

    // the run id hashes the settings as the file states them (with the momentum and image-data defaults
    // below), exactly as earlier versions did: output directories find their runs by it
    Map<String, Object> canonical = new TreeMap<>(run);
    canonical.remove("checkpoint_dir"); // where recovery files go does not change a run
    canonical.remove("worker_metrics"); // nor which metrics it writes
    canonical.remove("aggregation"); // nor where the server's work runs: the rows are the same
    canonical.remove("aggregation_shards");
    canonical.remove("resident_workers"); // nor whether the worker tasks stay running: the rows are the same
    // a GPU's arithmetic (cuDNN's convolutions, CUDA's reductions and random streams) is not the CPU's bit for
    // bit: a run on GPUs is a run of its own (and cannot resume a CPU run); device: cpu keeps the ids of earlier runs
    if (!"gpu".equals(device)) {
      canonical.remove("device");
    }
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
    String runId = name + "-" + hash(toJson(canonical, file));
    return new JobSpec(runId, name, seed, model, data, workers, byzantine, declared, attack, aggregator, beta,
        at, dampening, nesterov, wd, clip, l2, batch, iterations, lr, evalEvery, referenceEvery, engine, checkpointEvery, checkpointDir, flushEvery, checkEvery,
        perPartition, aggregation, shards, workerMetrics, device, resident, toJson(effective, file));
  }

  /** The rules {@code aggregation: sharded} can run, comma-separated. */
  private static String shardedRules() {
    return String.join(", ", Rules.names().stream().filter(n -> Rules.create(new RuleSpec(n, Map.of()))
        .shardable()).toList());
  }

  /** {@code {name: krum, neighbours: auto, ...}}: a rule's name under {@code key} with the parameters it used. */
  private static Map<String, Object> named(String key, String name, Map<String, Object> params) {
    Map<String, Object> out = new TreeMap<>(params);
    out.put(key, name);
    return out;
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
