package org.signsgd.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JobSpec#json()} is what the run uses, every setting with its value, defaults included; the run id stays
 * what it was (output directories find their runs by it).
 */
class EffectiveSettingsTest {
  @TempDir
  Path dir;

  private JobSpec load(String yaml, String... overrides) throws Exception {
    Path f = dir.resolve("job.yaml");
    Files.writeString(f, yaml);
    return JobFile.load(f, List.of(overrides)).get(0);
  }

  @Test
  void aJobNamingOneKeyRecordsEveryDefault() throws Exception {
    assertThat(load("name: few\n").json()).isEqualTo("{\"aggregation\":\"auto\",\"aggregation_shards\":\"auto\","
        + "\"aggregator\":{\"name\":\"majority-vote\",\"tie\":\"zero\"},"
        + "\"attack\":{\"name\":\"none\"},\"batch_size\":1,\"byzantine\":0,\"check_every\":50,\"checkpoint_dir\":null,"
        + "\"checkpoint_every\":50,\"data\":{\"name\":\"synthetic\"},\"declared_byzantine\":0,\"engine\":\"spark\","
        + "\"eval_every\":0,\"flush_every\":100,\"gradient_clip\":0.0,\"iterations\":500,\"l2_penalty\":0.0,"
        + "\"lr\":{\"initial\":1.0,\"schedule\":\"inverse-sqrt\"},\"model\":{\"dim\":1000,\"name\":\"quadratic\","
        + "\"noise_std\":1.0,\"x0\":1.0},\"momentum\":{\"at\":\"worker\",\"beta\":0.0,\"dampening\":0.0,"
        + "\"nesterov\":false},\"name\":\"few\",\"reference_every\":0,\"seed\":1,\"weight_decay\":0.0,"
        + "\"worker_metrics\":false,\"workers\":27,\"workers_per_partition\":\"auto\"}");
  }

  @Test
  void ruleParametersAreRecordedWithTheValueUsedAndDerivedOnesAsAuto() throws Exception {
    JobSpec s = load("""
        name: k
        workers: 9
        byzantine: 2
        aggregator: krum
        attack: {name: alie}
        lr: 0.1
        momentum: {beta: 0.9}
        batch_size: t
        model: {name: quadratic, x0: normal}
        """);
    assertThat(s.json()).contains("\"aggregator\":{\"name\":\"krum\",\"neighbours\":\"auto\",\"squared\":true}",
        "\"attack\":{\"direction\":\"minus\",\"name\":\"alie\",\"z\":\"paper\"}", "\"lr\":{\"initial\":0.1,\"schedule\":\"constant\"}",
        "\"momentum\":{\"at\":\"worker\",\"beta\":0.9,\"dampening\":0.0,\"nesterov\":false}", "\"batch_size\":\"t\"",
        "\"model\":{\"dim\":1000,\"name\":\"quadratic\",\"noise_std\":1.0,\"x0\":\"normal\"}",
        "\"declared_byzantine\":2");
    // Signum: a sign rule's dampening defaults to beta
    assertThat(load("name: s\nmomentum: {beta: 0.9}\n").json())
        .contains("\"momentum\":{\"at\":\"worker\",\"beta\":0.9,\"dampening\":0.9,\"nesterov\":false}");
  }

  /** Computed on the code before the effective settings, and hard-coded: the run ids must not change. */
  @Test
  void runIdsAreUnchanged() throws Exception {
    String base = "name: t\nmodel: {name: quadratic, dim: 10}\nworkers: 9\nbyzantine: 2\nattack: omniscient\n"
        + "iterations: 5\n";
    assertThat(load(base).runId()).isEqualTo("t-2ae8dea9");
    assertThat(load(base, "lr=0.05", "aggregator={name: krum}", "attack=reversed-sum", "momentum.beta=0.9")
        .runId()).isEqualTo("t-101ca821");
    assertThat(load("name: few\n").runId()).isEqualTo("few-62ba5928");
    assertRunIds("toy-quadratic", 36, "toy-quadratic-5eefba8d", "toy-quadratic-93731dab", "1ba91251f325caf5");
    assertRunIds("linear-regression", 25, "linear-regression-e38d5a21", "linear-regression-e22f0331",
        "e50ee568107d2812");
    assertRunIds("logistic-regression", 25, "logistic-regression-cad8df24", "logistic-regression-a1009d88",
        "757bc2b75efc3cb9");
    // 44 of its 46 runs attack with alie or fall-of-empires: their direction parameter's default keeps the ids
    assertRunIds("elmhamdi-mnist-quick", 46, "elmhamdi-mnist-quick-7b1722e1", "elmhamdi-mnist-quick-c55905ce",
        "766dd1f2ad7fd2f6");
  }

  private static void assertRunIds(String job, int count, String first, String last, String digest)
      throws Exception {
    List<JobSpec> runs = JobFile.load(Path.of("jobs", job + ".yaml"), List.of());
    StringBuilder ids = new StringBuilder();
    runs.forEach(s -> ids.append(s.runId()).append('\n'));
    assertThat(runs).hasSize(count);
    assertThat(runs.get(0).runId()).isEqualTo(first);
    assertThat(runs.get(count - 1).runId()).isEqualTo(last);
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(ids.toString().getBytes(StandardCharsets.UTF_8))).substring(0, 16)).isEqualTo(digest);
  }
}
