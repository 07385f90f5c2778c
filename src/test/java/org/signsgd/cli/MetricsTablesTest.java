package org.signsgd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.train.SparkSessions;
import org.signsgd.train.TestJobs;

/**
 * The metrics directory as a user meets it: {@code analyze} only reads (every statement that would write is
 * refused before it runs, and the tables are the same afterwards), its syntax errors are Spark's own message,
 * a directory of files that are not tables is one line, and a directory written by an earlier version (plain
 * Parquet, fewer columns) is read as it is and converted in place when a run writes into it.
 */
class MetricsTablesTest {
  @TempDir
  static Path dir;

  /** One toy run's directory (6 iterations), trained once for the class: the tests below only read it. */
  private static Path trained;

  private static SparkSession spark() {
    return SparkSessions.get("local[2]");
  }

  @BeforeAll
  static void train() throws Exception {
    Path job = Files.writeString(dir.resolve("toy.yaml"), TestJobs.TOY);
    Path out = dir.resolve("out");
    // its report is not read here (the conversion's train below draws one)
    Cli.Result r = Cli.run("train", job.toString(), "--set", "iterations=6", "--set", "workers=5", "--out",
        out.toString(), "--master", "local[2]", "--no-report");
    assertThat(r.code()).as(r.err()).isZero();
    trained = out;
  }

  private static Cli.Result sql(Path out, String sql) {
    return Cli.run("analyze", "--metrics", out.toString(), "--master", "local[2]", "--format", "csv", "--sql",
        sql);
  }

  @Test
  void analyzeRefusesEveryStatementThatWritesAndRunsTheOnesThatRead() throws Exception {
    Path out = trained;
    for (String[] refused : new String[][] {
        {"INSERT INTO runs SELECT * FROM runs", "InsertIntoStatement"},
        {"INSERT OVERWRITE DIRECTORY '" + out.resolve("iterations") + "' USING parquet SELECT * FROM runs",
            "InsertIntoDir"},
        {"WITH r AS (SELECT * FROM runs) INSERT INTO runs SELECT * FROM r", "InsertIntoStatement"},
        {"CREATE TABLE t AS SELECT * FROM iterations", "CreateTableAsSelect"},
        {"DROP VIEW iterations", "DropView"},
        {"DELETE FROM iterations WHERE iteration > 2", "DeleteFromTable"},
        {"CACHE TABLE iterations", "CacheTable"},
        {"SET spark.sql.shuffle.partitions=1", "SetCommand"}}) {
      Cli.Result r = sql(out, refused[0]);
      assertThat(r.code()).as(refused[0] + ": " + r.err()).isEqualTo(2);
      assertThat(r.err().strip()).as(refused[0]).isEqualTo("error: --sql: analyze only reads the metrics, and "
          + "this statement is a " + refused[1] + "; allowed: SELECT, WITH ... SELECT, VALUES, SHOW, DESCRIBE, "
          + "EXPLAIN");
    }
    assertThat(spark().read().format("delta").load(out.resolve("iterations").toString()).count()).isEqualTo(6);
    assertThat(spark().read().format("delta").load(out.resolve("runs").toString()).count()).isEqualTo(1);

    Cli.Result typo = sql(out, "SELEC * FROM runs");
    assertThat(typo.code()).isEqualTo(2);
    assertThat(typo.err().strip()).isEqualTo("error: --sql: [PARSE_SYNTAX_ERROR] Syntax error at or near "
        + "'SELEC'.(line 1, pos 0)");
    Cli.Result count = sql(out, "WITH i AS (SELECT * FROM iterations) SELECT COUNT(*) AS n FROM i");
    assertThat(count.out()).isEqualTo("n\n6\n");
    assertThat(sql(out, "DESCRIBE runs").out()).contains("error,string");
    // EXPLAIN shows a plan and runs nothing: allowed, even of an INSERT
    assertThat(sql(out, "EXPLAIN INSERT INTO runs SELECT * FROM runs").code()).isZero();
    assertThat(spark().read().format("delta").load(out.resolve("runs").toString()).count()).isEqualTo(1);
  }

  @Test
  void aDirectoryOfOtherFilesIsOneLine() throws Exception {
    Path junk = dir.resolve("junk");
    Files.createDirectories(junk.resolve("iterations"));
    Files.write(junk.resolve("iterations").resolve("part-0.parquet"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    Files.writeString(junk.resolve("runs"), "not a table");
    Cli.Result r = Cli.run("analyze", "--metrics", junk.toString(), "--master", "local[2]", "--sql",
        "SELECT * FROM runs");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines().count()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: " + junk.resolve("runs") + " is not a metrics table (")
        .contains("metrics directories are the --out of train or sweep");
    Cli.Result plot = Cli.run("plot", "--metrics", junk.toString(), "--master", "local[2]");
    assertThat(plot.code()).isEqualTo(2);
    assertThat(plot.err().lines().count()).isEqualTo(1);
  }

  /** An earlier version's directory: plain Parquet, runs/ without error, iterations/ without dimension. */
  @Test
  void anEarlierVersionsDirectoryIsReadAndConvertedWhenARunWritesIntoIt() throws Exception {
    Path now = trained;
    Path out = dir.resolve("old");
    spark().read().format("delta").load(now.resolve("runs").toString()).drop("error").write()
        .parquet(out.resolve("runs").toString());
    spark().read().format("delta").load(now.resolve("iterations").toString()).drop("dimension").write()
        .partitionBy("run_id").parquet(out.resolve("iterations").toString());

    Cli.Result read = sql(out, "SELECT COUNT(*) AS n FROM iterations");
    assertThat(read.out()).as(read.err()).isEqualTo("n\n6\n");

    Path job = dir.resolve("toy.yaml");
    Cli.Result train = Cli.run("train", job.toString(), "--set", "iterations=4", "--set", "workers=5", "--set",
        "seed=4", "--out", out.toString(), "--master", "local[2]");
    assertThat(train.code()).as(train.err()).isZero();
    assertThat(train.err()).contains("converted " + out.resolve("runs") + " (plain Parquet from an earlier "
        + "version) to a Delta table in place", "converted " + out.resolve("iterations"));
    assertThat(out.resolve("iterations").resolve("_delta_log")).isDirectory();
    // the earlier run's rows are kept, with null in the columns they did not have
    Cli.Result after = sql(out, "SELECT seed, COUNT(*) AS n, MAX(dimension) AS d FROM iterations GROUP BY seed "
        + "ORDER BY seed");
    assertThat(after.out()).isEqualTo("seed,n,d\n3,6,\n4,4,1000\n");
    Cli.Result status = sql(out, "SELECT seed, status, error FROM runs ORDER BY seed");
    assertThat(status.out()).isEqualTo("seed,status,error\n3,completed,\n4,completed,\n");
  }
}
