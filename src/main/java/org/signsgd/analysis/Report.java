package org.signsgd.analysis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.signsgd.metrics.CurvePlot;
import org.signsgd.metrics.MetricsTables;
import org.signsgd.metrics.OutputDir;

/**
 * The report of an output directory: {@code plots/*.png} and an {@code index.html} that shows them with the
 * main tables (accuracy, vote failure, bytes and time per iteration, the runs); a click opens a plot at full
 * size. Plain HTML with relative links: it opens from the file system with no server. Written by
 * {@code sweep}, {@code train} and {@code plot}, from the Parquet rows.
 */
public final class Report {
  /** Curves drawn at most: runs are averaged over seeds per configuration first. */
  static final int MAX_CURVES = 40;
  static final int MAX_TABLE_ROWS = 500;

  private Report() {}

  /**
   * Writes the report of {@code out}: the papers' figures, plots/loss.png and plots/test-accuracy.png (one line
   * per configuration, averaged over seeds) and index.html. Returns where index.html went, for people.
   */
  public static String write(SparkSession spark, OutputDir out) throws IOException {
    return write(spark, out, out);
  }

  /** The report of the metrics in {@code metrics}, written with its plots under {@code out}. */
  public static String write(SparkSession spark, OutputDir metrics, OutputDir out) throws IOException {
    requireMetrics(metrics, metrics.display(""));
    boolean workers = Views.register(spark, new MetricsTables(spark, metrics)).contains("workers");
    String name = spark.sql("SELECT COALESCE(FIRST(name), 'metrics') FROM runs").first().getString(0);
    long runs = spark.sql("SELECT COUNT(DISTINCT run_id) FROM runs").first().getLong(0);
    curves(spark, out, name);
    List<PaperFigures.Figure> figures = PaperFigures.draw(spark, out, name);
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(escape(name))
        .append(" — signsgd-spark report</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1100px}"
            + "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;"
            + "text-align:right}th{background:#eee}img{max-width:100%;border:1px solid #ddd;margin:8px 0}"
            + ".columns{font-size:12px;color:#555}"
            + "</style></head><body>\n<h1>").append(escape(name)).append("</h1>\n");
    html.append("<p>").append(runs).append(" runs; metrics as Delta Lake tables (Parquet files) in <code>")
        .append(escape(metrics.display(""))).append("</code> (<code>iterations/</code>, <code>runs/</code>; query "
            + "them with <code>analyze --query NAME</code> or <code>--sql</code>).</p>\n");
    for (PaperFigures.Figure f : figures) {
      image(html, f.file(), f.title(), f.caption());
    }
    for (String[] plot : List.of(new String[] {"plots/loss.png", "Training loss, every configuration in one plot"},
        new String[] {"plots/test-accuracy.png", "Test accuracy, every configuration in one plot"})) {
      if (out.exists(plot[0])) {
        image(html, plot[0], plot[1], "");
      }
    }
    boolean accuracy = spark.sql("SELECT COUNT(test_accuracy) FROM iterations").first().getLong(0) > 0;
    if (accuracy) {
      section(html, spark, "accuracy", "Accuracy by configuration");
    }
    if (runs >= 2 && comparesAttacks(spark)) { // one run meets one attack
      section(html, spark, "worst-case", "Worst case over attacks, per defence");
    }
    if (spark.sql("SELECT COUNT(vote_failure_rate) FROM iterations").first().getLong(0) > 0) {
      section(html, spark, "vote-failure", "Vote failure against the bounds");
    }
    if (workers) {
      section(html, spark, "worker-trust", "Honest and Byzantine workers as the rule sees them");
    }
    section(html, spark, "communication", "Bytes per iteration");
    section(html, spark, "timing", "Time per iteration");
    html.append("<h2>Runs</h2>\n");
    table(html, spark.sql("SELECT run_id, status, seed, start_time, end_time FROM runs ORDER BY start_time"));
    html.append("</body></html>\n");
    out.write("index.html", html.toString().getBytes(StandardCharsets.UTF_8));
    return out.display("index.html");
  }

  /** Whether some defence ran under two attacks or more (besides none): the worst-case table then compares them. */
  private static boolean comparesAttacks(SparkSession spark) {
    try {
      Row most = spark.sql(CannedQueries.get("worst-case").sql()).agg(org.apache.spark.sql.functions.max("attacks"))
          .first();
      return !most.isNullAt(0) && most.getLong(0) >= 2;
    } catch (Exception e) { // AnalysisException: metrics written before a column existed
      return false;
    }
  }

  /** A one-line error, naming the directory as {@code shownAs}, unless it holds runs/ and iterations/. */
  public static void requireMetrics(OutputDir dir, String shownAs) throws IOException {
    if (!dir.exists("iterations") || !dir.exists("runs")) {
      throw new IllegalArgumentException(shownAs + " holds no metrics (no runs/ and iterations/); give the --out "
          + "directory of a train or sweep");
    }
  }

  /** One line per configuration (label), averaged over seeds. */
  private static void curves(SparkSession spark, OutputDir out, String name) throws IOException {
    List<Row> rows = spark.sql("""
        WITH placement AS (
          SELECT run_id, FIRST(CASE WHEN CAST(get_json_object(job, '$.momentum.beta') AS DOUBLE) > 0
                 THEN CONCAT(' momentum@', get_json_object(job, '$.momentum.at')) ELSE '' END) AS momentum
          FROM runs GROUP BY run_id)
        SELECT CONCAT(algorithm, ' ', attack, ' B=', byzantine, '/', workers, ' batch=', batch_size,
                      COALESCE(momentum, '')) AS label, iteration,
               AVG(train_loss), AVG(test_accuracy), COUNT(DISTINCT seed)
        FROM iterations LEFT JOIN placement USING (run_id) GROUP BY 1, 2 ORDER BY 1, 2""").collectAsList();
    Map<String, List<double[]>> loss = new LinkedHashMap<>();
    Map<String, List<double[]>> accuracy = new LinkedHashMap<>();
    long seeds = 1;
    for (Row r : rows) {
      String label = r.getString(0);
      if (!loss.containsKey(label) && loss.size() >= MAX_CURVES) {
        continue;
      }
      seeds = Math.max(seeds, r.getLong(4));
      loss.computeIfAbsent(label, k -> new java.util.ArrayList<>()).add(new double[] {r.getLong(1),
          r.isNullAt(2) ? Double.NaN : r.getDouble(2)});
      if (!r.isNullAt(3)) {
        accuracy.computeIfAbsent(label, k -> new java.util.ArrayList<>()).add(new double[] {r.getLong(1),
            r.getDouble(3)});
      }
    }
    String subtitle = (seeds == 1 ? "one seed each" : "mean over up to " + seeds + " seeds")
        + (loss.size() >= MAX_CURVES ? ", first " + MAX_CURVES + " configurations" : "");
    // a 600-pixel y axis holds about 85 characters of its title
    CurvePlot.write(out, "plots/loss.png", name, subtitle, "training loss (honest workers' batch mean; f(x) for "
        + "analytic models)", true, columns(loss));
    if (!accuracy.isEmpty()) {
      CurvePlot.write(out, "plots/test-accuracy.png", name, subtitle, "test accuracy", false, columns(accuracy));
    } else if (out.exists("plots/test-accuracy.png")) {
      out.delete("plots/test-accuracy.png"); // from earlier metrics: not these
    }
  }

  private static Map<String, double[][]> columns(Map<String, List<double[]>> series) {
    Map<String, double[][]> out = new LinkedHashMap<>();
    series.forEach((k, pts) -> out.put(k, new double[][] {pts.stream().mapToDouble(p -> p[0]).toArray(),
        pts.stream().mapToDouble(p -> p[1]).toArray()}));
    return out;
  }

  private static void image(StringBuilder html, String file, String title, String caption) {
    html.append("<h2>").append(escape(title)).append("</h2>\n");
    if (!caption.isEmpty()) {
      html.append("<p>").append(escape(caption)).append("</p>\n");
    }
    html.append("<a href=\"").append(file).append("\"><img src=\"").append(file).append("\" alt=\"")
        .append(escape(title)).append("\"></a>\n");
  }

  /** A canned query as a table, its columns explained under it. */
  private static void section(StringBuilder html, SparkSession spark, String query, String heading) {
    CannedQuery q = CannedQueries.get(query);
    html.append("<h2>").append(escape(heading)).append("</h2>\n<p>").append(escape(q.description()))
        .append(" (<code>analyze --query ").append(q.name()).append("</code>)</p>\n");
    Dataset<Row> result;
    try {
      result = spark.sql(q.sql());
    } catch (Exception e) { // AnalysisException: metrics written before a column existed
      html.append("<p><em>not available for these metrics: ").append(escape(String.valueOf(e.getMessage())
          .lines().findFirst().orElse(""))).append("</em></p>\n");
      return;
    }
    table(html, result);
    html.append("<ul class=\"columns\">");
    q.columns().forEach(c -> html.append("<li>").append(escape(c)).append("</li>"));
    html.append("</ul>\n");
  }

  private static void table(StringBuilder html, Dataset<Row> result) {
    html.append("<table>\n<tr>");
    for (String c : result.columns()) {
      html.append("<th>").append(escape(c)).append("</th>");
    }
    html.append("</tr>\n");
    for (Row r : result.limit(MAX_TABLE_ROWS).collectAsList()) {
      html.append("<tr>");
      for (int i = 0; i < r.size(); i++) {
        html.append("<td>").append(r.isNullAt(i) ? "" : escape(r.get(i).toString())).append("</td>");
      }
      html.append("</tr>\n");
    }
    html.append("</table>\n");
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
