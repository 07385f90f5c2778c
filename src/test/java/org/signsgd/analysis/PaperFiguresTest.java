package org.signsgd.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.cli.Cli;
import org.signsgd.job.JobFile;
import org.signsgd.metrics.OutputDir;
import org.signsgd.train.RunStatus;
import org.signsgd.train.SparkSessions;
import org.signsgd.train.Sweep;

/**
 * {@code plot --metrics DIR --out DIR} over a small grid (2 rules × 2 attacks × 2 batch sizes × B ∈ {0, 2}):
 * one panel per configuration and one line per B, a heatmap panel per (rule, attack) and per (B, batch), the
 * vote failure against α, and an index.html that shows them with relative links.
 */
class PaperFiguresTest {
  @TempDir
  static Path dir;
  static Path report;

  private static final String GRID = """
      name: figures
      seed: 3
      model: {name: quadratic, dim: 64, noise_std: 1.0, x0: 1.0}
      workers: 9
      byzantine: 0
      attack: {name: blind-flip}
      batch_size: 1
      iterations: 20
      lr: {schedule: inverse-sqrt, initial: 0.5}
      engine: inprocess
      grid:
        byzantine: [0, 2]
        attack: [{name: blind-flip}, {name: gaussian}]
        batch_size: [1, 4]
        aggregator: [{name: majority-vote}, {name: median}]
      """;

  @BeforeAll
  static void sweepAndPlot() throws Exception {
    Path grid = dir.resolve("grid.yaml");
    Files.writeString(grid, GRID);
    Path metrics = dir.resolve("metrics");
    // the grid's metrics as sweep writes them (Sweep, 2 runs at a time), without the report sweep would draw
    // into them: plot draws the one under test (SweepCommandTest checks sweep's own)
    SparkSession spark = SparkSessions.get("local[2]");
    StringWriter err = new StringWriter();
    Sweep.Outcome sweep = Sweep.run(spark, JobFile.load(grid, List.of()), OutputDir.of(metrics.toString(),
        spark.sparkContext().hadoopConfiguration()), 2, new PrintWriter(err));
    assertThat(sweep.status()).as(err.toString()).hasSize(16).allSatisfy((id, s) ->
        assertThat(s).isEqualTo(RunStatus.COMPLETED));
    report = dir.resolve("report");
    Cli.Result plot = Cli.run("plot", "--metrics", metrics.toString(), "--out", report.toString(), "--master",
        "local[2]");
    assertThat(plot.code()).as(plot.err()).isZero();
    assertThat(plot.out()).contains("report (HTML): " + report.resolve("index.html").toAbsolutePath());
  }

  /** Panels are 620 wide, 3 to a row, under a title and a subtitle of 40 to 120 pixels. */
  private static BufferedImage figure(String file, int columns, int rows, int panelHeight) throws Exception {
    BufferedImage image = ImageIO.read(report.resolve(file).toFile());
    assertThat(image.getWidth()).as(file).isEqualTo(columns * 620);
    assertThat(image.getHeight() - rows * panelHeight).as(file).isBetween(40, 120);
    return image;
  }

  @Test
  void curvesHaveAPanelPerConfigurationAndALinePerByzantineCount() throws Exception {
    // 2 rules × 2 attacks × 2 batch sizes = 8 panels, 3 to a row
    BufferedImage loss = figure("plots/loss-by-byzantine.png", 3, 3, 420);
    assertThat(colours(loss)).isGreaterThan(20);
    assertThat(report.resolve("plots/accuracy-by-byzantine.png")).doesNotExist(); // no test set
  }

  @Test
  void heatmapsOverByzantineFractionAndBatchAndOverAttackAndRule() throws Exception {
    figure("plots/heatmap-byzantine-batch.png", 3, 2, 420); // a panel per (rule, attack): 4
    figure("plots/heatmap-attack-aggregator.png", 3, 2, 420); // a panel per (B, batch): 4
    // the worst case over the two attacks: a panel per batch size (a setting, not a seed), rules × B in each
    figure("plots/heatmap-worst-case.png", 2, 1, 420);
  }

  @Test
  void voteFailureAgainstAlpha() throws Exception {
    // the sign rule's 4 configurations only: the median's dense messages are not a vote
    figure("plots/vote-failure.png", 3, 2, 530);
  }

  @Test
  void theReportShowsEveryFigureFromTheFileSystem() throws Exception {
    String html = Files.readString(report.resolve("index.html"));
    for (String png : new String[] {"loss.png", "loss-by-byzantine.png", "heatmap-byzantine-batch.png",
        "heatmap-attack-aggregator.png", "heatmap-worst-case.png", "vote-failure.png"}) {
      assertThat(html).contains("<img src=\"plots/" + png + "\"");
      assertThat(report.resolve("plots/" + png)).isNotEmptyFile();
    }
    assertThat(html).contains("<h2>Vote failure against the bounds</h2>", "<h2>Bytes per iteration</h2>",
        "<h2>Worst case over attacks, per defence</h2>",
        "<h2>Time per iteration</h2>", "the tolerance α &lt; 1 − 1/(2p̂)", "16 runs")
        .doesNotContain("not available", "http://", "https://");
    // the heatmaps' cell labels: what varies besides the axes
    assertThat(html).contains("Final log10(f(x_t) − f*) by Byzantine fraction and batch size");
  }

  private static int colours(BufferedImage image) {
    Set<Integer> seen = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 3) {
      for (int x = 0; x < image.getWidth(); x += 3) {
        seen.add(image.getRGB(x, y));
      }
    }
    return seen.size();
  }
}
