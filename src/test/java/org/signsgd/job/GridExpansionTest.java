package org.signsgd.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A grid is counted before it is expanded, bounded, and expanded one run at a time. */
class GridExpansionTest {
  @TempDir
  Path dir;

  private static String list(int n) {
    return IntStream.rangeClosed(1, n).mapToObj(Integer::toString).collect(Collectors.joining(", ", "[", "]"));
  }

  @Test
  void aGridBeyondTheLimitIsRefusedWithItsCountBeforeAnyRunIsMade() throws Exception {
    // 1000 x 1000 x 1000 runs: a list of them would not fit in memory; the count is refused at once
    Path job = dir.resolve("grid.yaml");
    Files.writeString(job, "name: g\nmodel: {name: quadratic, dim: 10}\ngrid:\n  seed: " + list(1000)
        + "\n  iterations: " + list(1000) + "\n  workers: " + list(1000) + "\n");
    assertThatThrownBy(() -> JobFile.load(job, List.of())).isInstanceOf(JobException.class).hasMessage(job
        + ": grid: makes 1,000,000,000 runs, more than the limit of 10,000; narrow the grid (e.g. --set "
        + "'grid.seed=[1]') or raise the limit with --max-runs 1000000000 (axes: seed 1000 × iterations 1000 × "
        + "workers 1000)");
    assertThatThrownBy(() -> JobFile.load(job, List.of("grid.seed=[1]"), 999_999)).hasMessage(job + ": grid: "
        + "makes 1,000,000 runs, more than the limit of 999,999; narrow the grid (e.g. --set 'grid.seed=[1]') or "
        + "raise the limit with --max-runs 1000000 (axes: seed 1 × iterations 1000 × workers 1000)");
    assertThat(JobFile.load(job, List.of("grid.seed=[1]", "grid.iterations=[1, 2]", "grid.workers=[1, 2, 3]"), 6))
        .hasSize(6);
    assertThatThrownBy(() -> JobFile.load(job, List.of(), 0)).hasMessage(job + ": --max-runs: is 0; allowed: an "
        + "integer >= 1");
  }

  @Test
  void runsAreMadeOneAtATimeInTheOrderOfTheNestedLoops() {
    Map<String, Object> job = new LinkedHashMap<>(Map.of("name", "g"));
    // 10^9 runs within a raised limit: only the ones asked for are made
    job.put("grid", new LinkedHashMap<>(Map.of("seed", range(1000))));
    @SuppressWarnings("unchecked")
    Map<String, Object> grid = (Map<String, Object>) job.get("grid");
    grid.put("iterations", range(1000));
    grid.put("variants", List.of(Map.of("workers", 5), Map.of("workers", 7, "byzantine", 1)));
    grid.put("lr.initial", range(500));
    Iterator<Map<String, Object>> runs = GridExpansion.expand(job, "f", Integer.MAX_VALUE).iterator();
    List<String> first = new ArrayList<>();
    for (int k = 0; k < 1002; k++) {
      Map<String, Object> run = runs.next();
      if (k < 3 || k >= 999) {
        first.add(run.get("seed") + "/" + run.get("iterations") + "/" + run.get("workers") + "/"
            + run.get("byzantine") + "/" + run.get("lr"));
      }
    }
    // the last axis varies fastest, as in the nested loops the runs were made by before
    assertThat(first).containsExactly("1/1/5/null/{initial=1}", "1/1/5/null/{initial=2}", "1/1/5/null/{initial=3}",
        "1/1/7/1/{initial=500}", "1/2/5/null/{initial=1}", "1/2/5/null/{initial=2}");
    assertThat(runs.hasNext()).isTrue();
  }

  private static List<Object> range(int n) {
    return new ArrayList<>(IntStream.rangeClosed(1, n).boxed().toList());
  }

  /** A --set that the grid replaces in every run would be dropped without a word: it is refused in one line. */
  @Test
  void aSetValueTheGridAlwaysReplacesIsRefused() throws Exception {
    Path job = dir.resolve("variants.yaml");
    Files.writeString(job, """
        name: v
        model: {name: quadratic, dim: 10}
        workers: 5
        attack: {name: gaussian, std: 2.0}
        grid:
          byzantine: [0, 1]
          lr.initial: [0.1, 0.01]
          variants:
            - {aggregator: {name: mean}, attack: none}
            - {aggregator: {name: median}, momentum: {beta: 0.9}}
        """);
    // every variant names its aggregator: the value would have been replaced in both runs
    assertThatThrownBy(() -> JobFile.load(job, List.of("aggregator.name=krum"))).isInstanceOf(JobException.class)
        .hasMessage(job + ": --set aggregator.name: every entry of grid.variants sets it, so this value would never "
            + "be used; change it in the variants instead");
    // so does a --set of the whole map
    assertThatThrownBy(() -> JobFile.load(job, List.of("aggregator={name: krum}")))
        .hasMessageContaining("--set aggregator: every entry of grid.variants sets it");
    // an axis over the key itself, and over a parent of it
    assertThatThrownBy(() -> JobFile.load(job, List.of("byzantine=2"))).hasMessage(job + ": --set byzantine: the "
        + "grid's axis byzantine sets it in every run, so this value would never be used; change the axis instead "
        + "(e.g. --set 'grid.byzantine=[...]')");
    assertThatThrownBy(() -> JobFile.load(job, List.of("lr.initial=0.5")))
        .hasMessageContaining("--set lr.initial: the grid's axis lr.initial sets it in every run");
    // only the first variant replaces the attack: the second run keeps the --set one
    List<JobSpec> runs = JobFile.load(job, List.of("attack.std=3.0"));
    assertThat(runs).hasSize(8);
    assertThat(runs.stream().map(r -> r.attack().params().get("std")).distinct().toList())
        .containsExactlyInAnyOrder(null, 3.0);
    // a key the grid leaves alone, a parent of an axis (lr's schedule stays), and the grid itself are fine
    assertThat(JobFile.load(job, List.of("iterations=7", "lr.schedule=constant", "grid.byzantine=[2]"))).hasSize(4)
        .allSatisfy(r -> assertThat(r.iterations()).isEqualTo(7));
  }
}
