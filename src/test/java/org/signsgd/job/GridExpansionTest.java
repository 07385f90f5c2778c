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
}
