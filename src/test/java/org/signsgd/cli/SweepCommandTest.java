package org.signsgd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.job.JobFile;
import org.signsgd.job.JobSpec;
import org.signsgd.train.InProcessEngine;
import org.signsgd.train.IterationRow;
import org.signsgd.train.SparkSessions;
import org.signsgd.train.TestJobs;

/**
 * {@code sweep}: a grid's in-process runs go out as Spark tasks and write one directory; a re-run skips every
 * finished configuration; each run's rows are the rows the same configuration gives on its own.
 */
class SweepCommandTest {
  @TempDir
  Path dir;

  private static final String GRID = """
      name: sweep
      seed: 4
      model: {name: quadratic, dim: 100, noise_std: 1.0, x0: 1.0}
      workers: 9
      byzantine: 0
      attack: {name: omniscient}
      batch_size: 1
      iterations: 30
      lr: {schedule: inverse-sqrt, initial: 0.5}
      engine: inprocess
      grid:
        byzantine: [0, 2]
        seed: [4, 5]
      """;

  private String[] run(String... args) {
    return Cli.run(args).asArray();
  }

  @Test
  void runsEachConfigurationOnceAndSkipsThemOnARerun() throws Exception {
    Path grid = dir.resolve("grid.yaml");
    Files.writeString(grid, GRID);
    Path out = dir.resolve("out");
    String[] first = run("sweep", grid.toString(), "--out", out.toString(), "--parallel", "2", "--master",
        "local[2]");
    assertThat(first[0]).as(first[2]).isEqualTo("0");
    assertThat(first[1]).contains("sweep: 4 ran, 0 skipped");
    assertThat(first[2]).contains("4 in-process runs as Spark tasks, 2 at a time");
    // the report: curves per configuration (mean over the 2 seeds) and index.html with the tables
    assertThat(first[1]).contains("report (HTML):     " + out.resolve("index.html").toAbsolutePath());
    assertThat(out.resolve("plots/loss.png")).isNotEmptyFile();
    String index = Files.readString(out.resolve("index.html"));
    assertThat(index).contains("<img src=\"plots/loss.png\"", "<img src=\"plots/loss-by-byzantine.png\"",
        "<h2>Bytes per iteration</h2>", "<h2>Time per iteration</h2>")
        .doesNotContain("plots/test-accuracy.png", "Accuracy by configuration"); // the toy has no test set
    assertThat(index.split("<td>completed</td>", -1)).hasSize(5); // 4 runs
    Files.delete(out.resolve("index.html"));
    String[] plot = run("plot", "--metrics", out.toString(), "--master", "local[2]");
    assertThat(plot[0]).as(plot[2]).isEqualTo("0");
    assertThat(out.resolve("index.html")).isNotEmptyFile();
    Files.delete(out.resolve("index.html"));
    String[] again = run("sweep", grid.toString(), "--out", out.toString(), "--master", "local[2]",
        "--no-report");
    assertThat(again[0]).as(again[2]).isEqualTo("0");
    assertThat(again[1]).contains("sweep: 0 ran, 4 skipped", "report (HTML):     not drawn (--no-report)");
    assertThat(out.resolve("index.html")).doesNotExist();

    List<Row> rows = SparkSessions.get("local[2]").read().format("delta").load(out.resolve("iterations").toString())
        .select("run_id", "iteration", "train_loss").orderBy("run_id", "iteration").collectAsList();
    assertThat(rows).hasSize(120);
    assertThat(SparkSessions.get("local[2]").read().format("delta").load(out.resolve("runs").toString()).count()).isEqualTo(4);
    for (JobSpec spec : JobFile.load(grid, List.of())) {
      List<IterationRow> alone = TestJobs.run(new InProcessEngine(), spec);
      List<Double> swept = rows.stream().filter(r -> r.getString(0).equals(spec.runId()))
          .map(r -> r.getDouble(2)).toList();
      assertThat(swept).as(spec.runId()).containsExactlyElementsOf(alone.stream().map(IterationRow::trainLoss)
          .toList());
    }
  }
}
