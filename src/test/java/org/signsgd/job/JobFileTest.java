package org.signsgd.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobFileTest {
  @TempDir
  Path dir;

  private Path write(String yaml) throws Exception {
    Path f = dir.resolve("job.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private static final String BASE = """
      name: t
      model: {name: quadratic, dim: 10}
      workers: 9
      byzantine: 2
      attack: omniscient
      iterations: 5
      """;

  @Test
  void gridExpandsAsACartesianProductWithVariants() throws Exception {
    List<JobSpec> runs = JobFile.load(write(BASE + """
        grid:
          byzantine: [0, 1, 2]
          variants:
            - {aggregator: mean, attack: reversed-sum}
            - {aggregator: {name: majority-vote, tie: plus}, momentum: {beta: 0.9}}
        """), List.of());
    assertThat(runs).hasSize(6);
    assertThat(runs).extracting(JobSpec::byzantine).containsExactly(0, 0, 1, 1, 2, 2);
    assertThat(runs).extracting(JobSpec::algorithm).containsExactly("sgd", "signum", "sgd", "signum", "sgd",
        "signum");
    assertThat(runs).extracting(JobSpec::runId).doesNotHaveDuplicates();
    assertThat(JobFile.load(write(BASE + "grid: {byzantine: [0, 1]}"), List.of()).get(1).runId())
        .isEqualTo(JobFile.load(write(BASE + "grid: {byzantine: [0, 1]}"), List.of()).get(1).runId());
  }

  @Test
  void identicalConfigurationsRunOnceAndDottedAxesCanBeOverridden() throws Exception {
    String grid = BASE + """
        grid:
          lr.initial: [0.5, 0.1]
          attack: [omniscient, blind-flip]
          variants:
            - {byzantine: 2}
            - {byzantine: 0, attack: none}
        """;
    List<JobSpec> runs = JobFile.load(write(grid), List.of());
    // 2 lr x (2 attacks x 1 attacked + 1 baseline, which the attack axis would otherwise repeat)
    assertThat(runs).hasSize(6);
    assertThat(runs).extracting(s -> s.attack().name()).containsExactly("omniscient", "none", "blind-flip",
        "omniscient", "none", "blind-flip");
    List<JobSpec> one = JobFile.load(write(grid), List.of("grid.lr.initial=[0.1]"));
    assertThat(one).hasSize(3).allSatisfy(s -> assertThat(s.lr().params()).containsEntry("initial", 0.1));
  }

  @Test
  void overridesSetNestedKeysWithYamlTypes() throws Exception {
    JobSpec run = JobFile.load(write(BASE), List.of("attack.name=blind-flip", "iterations=50",
        "lr={schedule: step, initial: 0.1, factor: 0.5, every: 10}", "batch_size=t")).get(0);
    assertThat(run.attack().name()).isEqualTo("blind-flip");
    assertThat(run.iterations()).isEqualTo(50);
    assertThat(run.lr().name()).isEqualTo("step");
    assertThat(run.batchSize().at(0)).isEqualTo(1);
    assertThat(run.batchSize().at(7)).isEqualTo(7);
  }

  @Test
  void badInputIsOneLineNamingFileKeyProblemAndAllowed() throws Exception {
    String f = dir.resolve("job.yaml").toString();
    // the top-level keys in the documented order, as many as fit in one line of at most 293 characters
    assertThatThrownBy(() -> JobFile.load(write(BASE + "iteratons: 5\n"), List.of())).isInstanceOf(JobException.class)
        .hasMessageStartingWith(f + ": iteratons: unknown key (did you mean 'iterations'?); allowed: name, seed, "
            + "model, data, workers, byzantine, declared_byzantine, attack, aggregator, momentum, weight_decay, ")
        .hasMessageMatching(".*, … \\([0-9]+ more\\)").satisfies(e -> assertThat(e.getMessage()).hasSizeLessThanOrEqualTo(293));
    String rules = "majority-vote, mean, sign-fd, sign-fv, krum, multi-krum, median, trimmed-mean, phocas, meamed, "
        + "bulyan, geometric-median, centered-clipping, dnc, signguard, clustering, clipped-clustering, mda, monna, "
        + "smea, caf, cge, nnm, bucketing, clipping, arc";
    // the list is cut where the line would pass 293 characters
    assertThatThrownBy(() -> JobFile.load(write(BASE + "aggregator: krun\n"), List.of())).satisfies(e -> {
      String prefix = f + ": aggregator: unknown aggregator 'krun' (did you mean 'krum'?); allowed: ";
      assertThat(e.getMessage()).startsWith(prefix).hasSizeLessThanOrEqualTo(293);
      String list = e.getMessage().substring(prefix.length());
      assertThat(list.equals(rules) || list.matches(".*, … \\([0-9]+ more\\)")
          && rules.startsWith(list.substring(0, list.indexOf(", …")))).as(list).isTrue();
    });
    String attacks = "none, blind-flip, sign-inversion, stochastic-sign-flip, omniscient, byzantine-vote, "
        + "zeroing, random-sign, reversed-sum, gaussian, alie, fall-of-empires, sign-flip, nan, inf, mimic, label-flip, "
        + "optimal-alie, optimal-fall-of-empires, bulyan-targeted, min-max, min-sum";
    // the list is cut when the temporary directory's name makes the line too long
    assertThatThrownBy(() -> JobFile.load(write(BASE.replace("attack: omniscient", "attack: blnd-flip")), List.of()))
        .satisfies(e -> {
          String prefix = f + ": attack: unknown attack 'blnd-flip' (did you mean 'blind-flip'?); allowed: ";
          assertThat(e.getMessage()).startsWith(prefix).hasSizeLessThanOrEqualTo(293);
          String list = e.getMessage().substring(prefix.length());
          assertThat(list.equals(attacks) || list.matches(".*, … \\([0-9]+ more\\)")
              && attacks.startsWith(list.substring(0, list.indexOf(", …")))).as(list).isTrue();
        });
    assertError(BASE.replace("byzantine: 2", "byzantine: 12"), f + ": byzantine: is 12; allowed: an integer in "
        + "[0, 9]");
    assertError(BASE.replace("byzantine: 2", "byzantine: 9"), f + ": byzantine: omniscient: B=9 Byzantine of "
        + "Q=9; allowed: 0 <= B <= 8 (at least one honest worker)");
    assertError(BASE + "declared_byzantine: 9\n", f + ": aggregator: majority-vote: f=9 declared Byzantine with "
        + "n=9; allowed: 0 <= f <= 8");
    assertError(BASE + "lr: {schedule: constant, initial: -0.1}\n", f + ": lr: constant: parameter initial is "
        + "-0.1; allowed: a finite number > 0");
    assertError(BASE + "aggregator: mean\n", f + ": attack: omniscient forges sign messages but mean reads dense "
        + "messages; pick an attack for dense messages");
    assertError(BASE + "momentum: {beta: 0.9, placement: worker}\n", f + ": momentum.placement: unknown key; "
        + "allowed: at, beta, dampening, nesterov");
    assertError(BASE.replace("dim: 10", "dmi: 10"), f + ": model: quadratic: unknown parameter 'dmi' (did you "
        + "mean 'dim'?); allowed: dim, noise_std, x0");
    assertError("name: [unclosed\n", f + ": is not valid YAML at line 1: while parsing a flow sequence");
  }

  private void assertError(String yaml, String message) throws Exception {
    Path f = write(yaml);
    assertThatThrownBy(() -> JobFile.load(f, List.of())).isInstanceOf(JobException.class).hasMessage(message);
  }

  @Test
  void missingFileAndBadOverride() {
    assertThatThrownBy(() -> JobFile.load(dir.resolve("nope.yaml"), List.of()))
        .hasMessageEndingWith("nope.yaml: no such job file; give a path like jobs/quickstart.yaml");
  }
}
