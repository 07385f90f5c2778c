package org.signsgd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.job.JobFile;
import org.signsgd.job.JobSpec;

/**
 * A run whose messages the driver would collect past Spark's {@code spark.driver.maxResultSize} is refused before
 * Spark starts, in one line: 27 dense messages at d = 1,000,000 are 108,000,000 bytes (103.0 MiB), 27 sign
 * messages at ResNet-50's d 27 · 8 · ⌈25,557,032 / 64⌉ = 86,255,064 bytes (82.3 MiB).
 */
class DriverCollectTest {
  @TempDir
  Path dir;

  private List<JobSpec> runs(String extra) throws Exception {
    return runs(27, extra);
  }

  private List<JobSpec> runs(int workers, String extra) throws Exception {
    Path job = Files.writeString(dir.resolve("job.yaml"), """
        name: collect
        iterations: 2
        workers: %d
        """.formatted(workers) + extra);
    return JobFile.load(job, List.of());
  }

  private static SparkConf limit(String size) {
    return new SparkConf(false).set(DriverCollect.LIMIT, size);
  }

  /** One job per iteration: the workers' messages come back as its tasks' results. */
  private static final String DENSE_1M = "model: {name: quadratic, dim: 1000000}\naggregator: {name: median}\n"
      + "resident_workers: false\n";

  @Test
  void denseMessagesPastTheLimitAreRefusedWithTheShards() throws Exception {
    List<JobSpec> driver = runs(DENSE_1M + "aggregation: driver\n");
    assertThatThrownBy(() -> DriverCollect.refuse(driver, "job.yaml", limit("100m"))).hasMessage("job.yaml: "
        + "aggregation: is driver: it collects 27 dense messages per iteration (103.0 MiB), more than "
        + "spark.driver.maxResultSize (100.0 MiB), and would fail; use aggregation: sharded, or "
        + "set spark.driver.maxResultSize=129m (-D or --conf)");
    // 110 MiB = 115,343,360 bytes holds them
    assertThatCode(() -> DriverCollect.refuse(driver, "job.yaml", limit("110m"))).doesNotThrowAnyException();
    // Spark's 0: no limit
    assertThatCode(() -> DriverCollect.refuse(driver, "job.yaml", limit("0"))).doesNotThrowAnyException();
  }

  /** auto keeps a dense rule on the driver below d = 2^20 = 1,048,576 and shards it from there (no message). */
  @Test
  void autoIsRefusedWhereItKeepsTheRuleOnTheDriverOnly() throws Exception {
    assertThatThrownBy(() -> DriverCollect.refuse(runs(DENSE_1M), "job.yaml", limit("100m")))
        .hasMessageStartingWith("job.yaml: aggregation: is auto, so median runs on the driver: it collects 27 "
            + "dense messages per iteration (103.0 MiB), more than");
    List<JobSpec> sharded = runs("model: {name: quadratic, dim: 1048576}\naggregator: {name: median}\n");
    assertThatCode(() -> DriverCollect.refuse(sharded, "job.yaml", limit("100m"))).doesNotThrowAnyException();
    List<JobSpec> asked = runs(DENSE_1M + "aggregation: sharded\n");
    assertThatCode(() -> DriverCollect.refuse(asked, "job.yaml", limit("100m"))).doesNotThrowAnyException();
    // resident workers (auto on a local master, or true) take d <= 2^20 with 2 · 27 · d <= 2^26 floats: their
    // messages come over their own connections, but each stretch's end brings x and momentum, 8 · 27 · d bytes
    List<JobSpec> resident = runs("model: {name: quadratic, dim: 1000000}\naggregator: {name: median}\n");
    assertThatThrownBy(() -> DriverCollect.refuse(resident, "job.yaml", limit("100m"))).hasMessage("job.yaml: "
        + "resident_workers: is auto: at each checkpoint the driver collects 27 workers' x and momentum (206.0 MiB), "
        + "more than spark.driver.maxResultSize (100.0 MiB), and would fail; set resident_workers: false, or "
        + "spark.driver.maxResultSize=258m (-D or --conf)");
    assertThatCode(() -> DriverCollect.refuse(resident, "job.yaml", limit("210m"))).doesNotThrowAnyException();
    List<JobSpec> tooLarge = runs(34, "model: {name: quadratic, dim: 1000000}\naggregator: {name: median}\n");
    assertThatThrownBy(() -> DriverCollect.refuse(tooLarge, "job.yaml", limit("100m")))
        .hasMessageContaining("it collects 34 dense messages per iteration (129.7 MiB)");
    // the in-process engine collects nothing through Spark
    List<JobSpec> inProcess = runs(DENSE_1M + "aggregation: driver\nengine: inprocess\n");
    assertThatCode(() -> DriverCollect.refuse(inProcess, "job.yaml", limit("100m"))).doesNotThrowAnyException();
  }

  @Test
  void signMessagesCountTheirPackedBytes() throws Exception {
    List<JobSpec> vote = runs("model: {name: quadratic, dim: 25557032}\naggregator: {name: majority-vote}\n");
    assertThatThrownBy(() -> DriverCollect.refuse(vote, "job.yaml", limit("82m"))).hasMessageContaining(
        "is auto, so majority-vote runs on the driver: it collects 27 sign messages per iteration (82.3 MiB), more "
            + "than spark.driver.maxResultSize (82.0 MiB)");
    assertThatCode(() -> DriverCollect.refuse(vote, "job.yaml", limit("83m"))).doesNotThrowAnyException();
  }

  /** A limit that is not a size is refused in one line. */
  @Test
  void aLimitThatIsNotASizeIsRefusedInOneLine() throws Exception {
    List<JobSpec> optimal = runs(DENSE_1M + "byzantine: 5\nattack: {name: optimal-alie}\n");
    assertThatThrownBy(() -> DriverCollect.refuse(optimal, "job.yaml", limit("lots"))).hasMessage(
        "spark.driver.maxResultSize is 'lots', not a size; allowed: bytes or a size such as 512m or 4g (0 for no "
            + "limit)");
  }

  /**
   * The shipped ImageNet grids pass under Spark's default 1 GB: at ResNet-50's d the mean shards (auto), and 8 sign
   * messages are 25.6 MB.
   */
  @Test
  void theShippedImagenetGridsPass() throws Exception {
    for (String split : List.of("train", "val")) { // a folder of two classes of one image: the grids load it
      for (String label : List.of("a", "b")) {
        Path image = Files.createDirectories(dir.resolve("folder").resolve(split).resolve(label)).resolve("x.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(2, 2,
            java.awt.image.BufferedImage.TYPE_INT_RGB), "png", image.toFile());
      }
    }
    for (String net : List.of("resnet18", "resnet50")) {
      Path file = Path.of("jobs", "akoun-imagenet-" + net + ".yaml");
      List<JobSpec> grid = JobFile.load(file, List.of("data.dir=" + dir.resolve("folder")));
      assertThat(grid).hasSize(25);
      assertThatCode(() -> DriverCollect.refuse(grid, file.toString(), new SparkConf(false)))
          .doesNotThrowAnyException();
      // and with a 20 MB limit the 8 sign messages of ResNet-50 (8 · 3,194,632 = 25,557,056 bytes) would not fit
      if (net.equals("resnet50")) {
        assertThatThrownBy(() -> DriverCollect.refuse(grid, file.toString(), limit("20m")))
            .hasMessageContaining("it collects 8 sign messages per iteration (24.4 MiB)");
      }
    }
  }

  /**
   * In a grid of several runs the line says which run it refuses: here the median run of two variants (the
   * majority-vote run's 27 sign messages at d = 1M are 3.2 MiB).
   */
  @Test
  void aGridsRefusalNamesTheRun() throws Exception {
    List<JobSpec> grid = runs("model: {name: quadratic, dim: 1000000}\nresident_workers: false\n"
        + "aggregation: driver\ngrid:\n  variants:\n    - {aggregator: {name: majority-vote}}\n"
        + "    - {aggregator: {name: median}}\n");
    assertThat(grid).hasSize(2);
    String median = grid.get(1).runId();
    assertThat(grid.get(0).runId()).isNotEqualTo(median);
    assertThatThrownBy(() -> DriverCollect.refuse(grid, "grid.yaml", limit("100m"))).hasMessageStartingWith(
        "grid.yaml (run " + median + "): aggregation: is driver: it collects 27 dense messages per iteration");
    // one run: the file alone, as train's line
    assertThatThrownBy(() -> DriverCollect.refuse(grid.subList(1, 2), "grid.yaml", limit("100m")))
        .hasMessageStartingWith("grid.yaml: aggregation: is driver");
  }

  /** train and sweep refuse it before Spark starts: exit code 2, one line, no table. */
  @Test
  void trainAndSweepRefuseItInOneLine() throws Exception {
    Path job = Files.writeString(dir.resolve("job.yaml"), """
        name: collect
        workers: 27
        iterations: 2
        aggregation: driver
        """ + DENSE_1M);
    System.setProperty(DriverCollect.LIMIT, "100m");
    try {
      for (String command : List.of("train", "sweep")) {
        Cli.Result r = Cli.run(command, job.toString(), "--master", "local[2]", "--out",
            dir.resolve("out").toString());
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).as(command).startsWith("error: " + job + ": aggregation: is driver: it collects 27 "
            + "dense messages per iteration").endsWith("(-D or --conf)\n");
        assertThat(r.err().lines()).hasSize(1);
      }
    } finally {
      System.clearProperty(DriverCollect.LIMIT);
    }
    assertThat(dir.resolve("out").resolve("runs")).doesNotExist();
  }
}
