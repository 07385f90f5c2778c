package org.signsgd.cli;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.job.JobFile;
import org.signsgd.job.JobSpec;

/** A run of a grid that does not fit this JVM is refused in a line that says which run it is. */
class LocalMemoryTest {
  @TempDir
  Path dir;

  /**
   * At d = 10,000,000 one worker needs about 200 MB (x, momentum and gradient, its message twice, the driver's x and
   * direction), 270 workers about 54 GB: more than any test JVM has.
   */
  @Test
  void aGridsRefusalNamesTheRunThatDoesNotFit() throws Exception {
    Path job = Files.writeString(dir.resolve("grid.yaml"), """
        name: memory
        iterations: 2
        model: {name: quadratic, dim: 10000000}
        aggregator: {name: mean}
        grid:
          variants:
            - {workers: 1}
            - {workers: 270}
        """);
    List<JobSpec> runs = JobFile.load(job, List.of());
    String big = runs.get(1).runId();
    assertThatThrownBy(() -> LocalMemory.require(runs, "grid.yaml", "local[2]", 1)).hasMessageStartingWith(
        "grid.yaml (run " + big + "): model: needs about ").hasMessageContaining("with its 270 workers");
    assertThatCode(() -> LocalMemory.require(runs.subList(0, 1), "grid.yaml", "local[2]", 1))
        .doesNotThrowAnyException();
    // train's one run: the file alone
    assertThatThrownBy(() -> LocalMemory.require(runs.subList(1, 2), "grid.yaml", "local[2]", 1))
        .hasMessageStartingWith("grid.yaml: model: needs about ");
  }
}
