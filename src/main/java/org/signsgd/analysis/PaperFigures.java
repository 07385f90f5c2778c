package org.signsgd.analysis;

import java.awt.BasicStroke;
import java.awt.Font;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.signsgd.metrics.CurvePlot;
import org.signsgd.metrics.OutputDir;
import org.signsgd.theory.VoteFailure;

/**
 * The papers' figures from the views {@code runs} and {@code iterations}, each a PNG under {@code plots/}:
 * <ul>
 *   <li>loss and test accuracy against the iteration, one panel per algorithm (everything that varies but B),
 *       one line per Byzantine count B (seed 001 Figs 2–5, seed 004 Figs 1–4);
 *   <li>heatmaps of the final accuracy (or loss) over Byzantine fraction × batch size, and attack × aggregator;
 *   <li>the worst case over attacks (the query {@code worst-case}) as a heatmap over defence × f, or, when the
 *       Dirichlet α varies, over f × α per defence (ByzFL's f × heterogeneity heatmaps);
 *   <li>the measured vote failure against α = B/Q with the exact value, Cantelli's and the AM-GM bound at the
 *       measured p̂ (the Cantelli and AM-GM steps of the proofs of Akoun and Meyer 2022, Thm 2bis, and Mengoli
 *       et al. 2025, Thm 3.7), and the tolerance α &lt; 1 − 1/(2p̂) marked.
 * </ul>
 * Every figure carries the settings its runs share as a subtitle. Seeds are averaged.
 */
final class PaperFigures {
  private static final int W = 620;
  private static final int H = 420;
  /**
   * The widths a panel's title may take: XChart centres a title over the plot area and clips what overflows. A
   * curve panel's plot is the panel less its y axis (about 90 px) and margins; a heatmap's also leaves room for
   * its category labels and its colour scale.
   */
  static final int PLOT_WIDTH = W - 110;
  private static final int HEATMAP_WIDTH = W - 220;
  private static final Font PANEL_TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 12);
  private static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
  private static final List<String> FILES = List.of("plots/loss-by-byzantine.png", "plots/accuracy-by-byzantine.png",
      "plots/heatmap-byzantine-batch.png", "plots/heatmap-attack-aggregator.png", "plots/heatmap-worst-case.png",
      "plots/vote-failure.png");

  /** A figure written under the output directory. */
  record Figure(String file, String title, String caption) {}

  private final SparkSession spark;
  private final OutputDir out;
  private final RunSettings settings;
  private final String name;
  private final String shared;
  /** The loss column drawn: the gap f(x) − f* where every row has it (analytic models), else train_loss. */
  private final String lossColumn;
  private final String lossTitle;
  private final boolean hasAccuracy;
  /** How many runs have iteration rows (a worst case needs two at least). */
  private final long runsWithRows;

  private PaperFigures(SparkSession spark, OutputDir out, String name) {
    this.spark = spark;
    this.out = out;
    this.name = name;
    this.settings = RunSettings.load(spark);
    List<Long> seeds = spark.sql("SELECT DISTINCT seed FROM iterations").collectAsList().stream()
        .map(r -> r.getLong(0)).toList();
    this.shared = settings.shared(seeds);
    Row counts = spark.sql("SELECT COUNT(*), COUNT(gap), COUNT(test_accuracy), COUNT(DISTINCT run_id) "
        + "FROM iterations").first();
    boolean gap = counts.getLong(0) > 0 && counts.getLong(1) == counts.getLong(0);
    this.lossColumn = gap ? "gap" : "train_loss";
    this.lossTitle = gap ? "f(x_t) − f*" : "training loss (honest workers' mean)";
    this.hasAccuracy = counts.getLong(2) > 0;
    this.runsWithRows = counts.getLong(3);
  }

  /** Draws every figure the metrics allow; returns them in the order a report shows them. */
  static List<Figure> draw(SparkSession spark, OutputDir out, String name) throws IOException {
    PaperFigures f = of(spark, out, name);
    for (String stale : FILES) { // a figure these metrics no longer give must not stay beside the report
      if (out.exists(stale)) {
        out.delete(stale);
      }
    }
    List<Figure> figures = new ArrayList<>();
    f.curves("plots/loss-by-byzantine.png", f.lossColumn, f.lossTitle + " (log scale)", true, figures);
    if (f.hasAccuracy) {
      f.curves("plots/accuracy-by-byzantine.png", "test_accuracy", "test accuracy (fraction correct)", false,
          figures);
    }
    f.byzantineByBatch(figures);
    f.attackByAggregator(figures);
    f.worstCase(figures);
    f.voteFailure(figures);
    return figures;
  }

  /** The figures of the views runs and iterations, with the view labels registered. */
  static PaperFigures of(SparkSession spark, OutputDir out, String name) {
    PaperFigures f = new PaperFigures(spark, out, name);
    f.registerLabels();
    return f;
  }

  /**
   * B names the lines, not the panels; so does the declared f where it follows from B (a grid that sets both
   * together). A declared f that varies on its own (Krum told a wrong f) names panels, so that runs told
   * different f are never averaged as if they were seeds.
   */
  private boolean isByzantine(String key) {
    return key.equals("byzantine") || key.equals("declared_byzantine") && settings.followsFrom(key,
        run -> settings.byRun.get(run).getOrDefault("byzantine", ""));
  }

  /** The view {@code labels}: each run's panel in each figure, and its heatmap cell names. */
  private void registerLabels() {
    Predicate<String> notB = k -> !isByzantine(k);
    Predicate<String> notBOrBatch = k -> !isByzantine(k) && !k.equals("batch_size");
    // the rule and attack names as the iterations record them (a job may leave them to their defaults)
    Map<String, String[]> rules = new java.util.HashMap<>();
    spark.sql("SELECT run_id, FIRST(aggregator), FIRST(attack) FROM iterations GROUP BY run_id").collectAsList()
        .forEach(r -> rules.put(r.getString(0), new String[] {r.getString(1), r.getString(2)}));
    java.util.function.Function<String, String> rule = run -> settings.named(run, "aggregator",
        rules.getOrDefault(run, new String[] {"?", "?"})[0]);
    java.util.function.Function<String, String> attack = run -> settings.named(run, "attack",
        rules.getOrDefault(run, new String[] {"?", "?"})[1]);
    // settings that go with the rule (a grid's variants: the learning rate tuned per rule) are not panels
    // attack and aggregator may be written as a bare name ("attack: none"): the key has no dot then
    Predicate<String> notRule = k -> !k.startsWith("attack.") && !k.startsWith("aggregator.")
        && !k.equals("attack") && !k.equals("aggregator") && !settings.followsFrom(k, rule);
    List<Row> rows = new ArrayList<>();
    settings.byRun.keySet().forEach(run -> rows.add(RowFactory.create(run, settings.label(run, notB),
        settings.label(run, notBOrBatch), settings.label(run, notRule), rule.apply(run), attack.apply(run))));
    StructType schema = new StructType().add("run_id", DataTypes.StringType).add("panel", DataTypes.StringType)
        .add("batch_panel", DataTypes.StringType).add("rule_panel", DataTypes.StringType)
        .add("aggregator_label", DataTypes.StringType).add("attack_label", DataTypes.StringType);
    spark.createDataFrame(rows, schema).createOrReplaceTempView("labels");
  }

  /**
   * Panel title: the algorithm, then what else varies; the algorithm alone when nothing does. Unfitted: the caller
   * fits it to its panel's width.
   */
  private static String panelTitle(String algorithm, String label) {
    // "sign-fd: sign-fd, x" says the rule twice: the algorithm is the rule's name for dense rules and sign-fd
    String rest = label.equals(algorithm) ? "" : label.startsWith(algorithm + ", ") ? label.substring(
        algorithm.length() + 2) : label;
    return rest.isEmpty() ? algorithm : algorithm + ": " + rest;
  }

  /**
   * One panel per configuration (all but B), one line per B, averaged over seeds. On a log scale a value that
   * is not positive (the quadratic's exact optimum) leaves a gap in its line.
   */
  private void curves(String file, String column, String yTitle, boolean log, List<Figure> figures)
      throws IOException {
    List<Row> rows = spark.sql("SELECT l.panel, FIRST(i.algorithm), i.byzantine, i.workers, i.iteration, AVG(i."
        + column + ") FROM iterations i JOIN labels l USING (run_id) WHERE i." + column + " IS NOT NULL AND "
        + NOT_DIVERGED + " GROUP BY l.panel, i.byzantine, i.workers, i.iteration ORDER BY l.panel, i.byzantine, "
        + "i.workers, i.iteration").collectAsList();
    long allPanels = rows.stream().map(r -> r.getString(0)).distinct().count();
    Map<String, Map<String, List<double[]>>> panels = new LinkedHashMap<>();
    Map<String, String> titles = new LinkedHashMap<>();
    for (Row r : rows) {
      String panel = r.getString(0);
      if (!panels.containsKey(panel) && panels.size() >= Panels.MAX_PANELS) {
        continue;
      }
      String algorithm = r.getString(1);
      titles.computeIfAbsent(panel, k -> Panels.fit(panelTitle(algorithm, k), PANEL_TITLE, PLOT_WIDTH)); // once
      String line = "B=" + r.getInt(2) + "/" + r.getInt(3);
      panels.computeIfAbsent(panel, k -> new LinkedHashMap<>()).computeIfAbsent(line, k -> new ArrayList<>())
          .add(new double[] {r.getLong(4), r.getDouble(5)});
    }
    if (panels.isEmpty()) {
      return;
    }
    List<XYChart> charts = new ArrayList<>();
    panels.forEach((panel, lines) -> {
      XYChart c = new XYChartBuilder().width(W).height(H).title(titles.get(panel)).xAxisTitle("iteration t")
          .yAxisTitle(yTitle).build();
      style(c);
      c.getStyler().setYAxisLogarithmic(log);
      if (column.equals("test_accuracy")) {
        c.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE); // accuracy curves end high
      }
      lines.forEach((line, pts) -> c.addSeries(line, pts.stream().mapToDouble(p -> p[0]).toArray(),
          pts.stream().mapToDouble(p -> log && !(p[1] > 0) ? Double.NaN : p[1]).toArray())
          .setMarker(SeriesMarkers.NONE));
      CurvePlot.roundIterationTicks(c);
      charts.add(c);
    });
    String what = column.equals("test_accuracy") ? "Test accuracy" : lossTitle.startsWith("f(") ? "Suboptimality"
        : "Training loss";
    String title = name + ": " + what.toLowerCase() + " by Byzantine count";
    write(file, title, charts, allPanels, figures, what + " against the iteration, one panel per configuration, "
        + "one line per Byzantine count B of Q workers" + divergedNote());
  }

  /** Final accuracy (or loss) over Byzantine fraction × batch size, one heatmap per other configuration. */
  private void byzantineByBatch(List<Figure> figures) throws IOException {
    long fractions = spark.sql("SELECT COUNT(*) FROM (SELECT DISTINCT byzantine, workers FROM iterations)").first()
        .getLong(0);
    if (fractions >= 2) {
      heatmaps(byzantineBatchCells(), "plots/heatmap-byzantine-batch.png", "batch size",
          "Byzantine fraction α = B/Q", "by Byzantine fraction and batch size", figures);
    }
  }

  /** The cells of the Byzantine fraction × batch size heatmaps: each configuration's final value, seeds averaged. */
  List<Cell> byzantineBatchCells() {
    return spark.sql(finalMetric() + " SELECT l.batch_panel, FIRST(f.algorithm), f.byzantine, f.workers, "
        + "f.batch_size, AVG(f.value) FROM final f JOIN labels l USING (run_id) WHERE f.value IS NOT NULL "
        + "GROUP BY l.batch_panel, f.byzantine, f.workers, f.batch_size ORDER BY 1, 3, 5").collectAsList().stream()
        .map(r -> new Cell(r.getString(0), r.getString(1), r.getString(4), String.format("%.2f (%d/%d)",
            (double) r.getInt(2) / r.getInt(3), r.getInt(2), r.getInt(3)), r.getDouble(5))).toList();
  }

  /** Final accuracy (or loss) over attack × aggregator, one heatmap per other configuration. */
  private void attackByAggregator(List<Figure> figures) throws IOException {
    long aggregators = spark.sql("SELECT COUNT(DISTINCT aggregator_label) FROM labels").first().getLong(0);
    if (aggregators >= 2) {
      heatmaps(attackAggregatorCells(), "plots/heatmap-attack-aggregator.png", "aggregator", "attack",
          "by attack and aggregator", figures);
    }
  }

  /** The cells of the attack × aggregator heatmaps. */
  List<Cell> attackAggregatorCells() {
    return spark.sql(finalMetric() + " SELECT l.rule_panel, l.aggregator_label, l.attack_label, AVG(f.value) "
        + "FROM final f JOIN labels l USING (run_id) WHERE f.value IS NOT NULL "
        + "GROUP BY l.rule_panel, l.aggregator_label, l.attack_label ORDER BY 1, 2, 3").collectAsList().stream()
        .map(r -> new Cell(r.getString(0), "", r.getString(1), r.getString(2), r.getDouble(3))).toList();
  }

  /**
   * The worst case over attacks (see {@link WorstCase}), when some defence was run under two attacks or more:
   * one heatmap over f × α per defence when α varies, else one over defence × f.
   */
  private void worstCase(List<Figure> figures) throws IOException {
    List<Row> rows = worstCaseRows();
    List<Cell> cells = worstCaseCells(rows);
    if (cells.isEmpty()) {
      return;
    }
    String note = "; each cell is the strongest attack's value for that defence (its runs diverged most often, then "
        + "the lowest mean final accuracy or highest final loss; the table \"worst-case\" names it)";
    List<String> diverged = worstCaseDiverged(rows);
    if (!diverged.isEmpty()) {
      // a diverged run's last value is from before the divergence: the cell alone would make it look fine
      note += "; where that attack made runs diverge, the cell's mean takes each diverged run's last value before "
          + "the divergence (a run without one is left out): " + String.join(", ", diverged);
    }
    if (cells.get(0).x().startsWith("f=")) {
      heatmaps(cells, "plots/heatmap-worst-case.png", "Byzantine workers f", "defence",
          "under the strongest attack, by defence and f", note, figures);
    } else {
      heatmaps(cells, "plots/heatmap-worst-case.png", "Byzantine workers f", "Dirichlet α (small: heterogeneous)",
          "under the strongest attack, by f and Dirichlet α", note, figures);
    }
  }

  /**
   * The cells of the worst-case heatmaps, from the query {@code worst-case}; none unless some defence met two
   * attacks or more. When the runs have two Dirichlet α or more: a panel per defence (and setting), x = f, y = α;
   * otherwise a panel per α (and setting), x = "f=k", y = the defence.
   */
  List<Cell> worstCaseCells() {
    return worstCaseCells(worstCaseRows());
  }

  private List<Cell> worstCaseCells(List<Row> rows) {
    if (rows.isEmpty()) {
      return List.of();
    }
    boolean alphas = rows.stream().map(r -> r.get(r.fieldIndex("alpha"))).distinct().count() >= 2;
    List<Cell> cells = new ArrayList<>();
    for (Row r : rows) {
      if (r.isNullAt(r.fieldIndex("final_mean"))) {
        continue;
      }
      String defence = r.getString(r.fieldIndex("defence"));
      String setting = r.getString(r.fieldIndex("setting"));
      String f = Integer.toString(r.getInt(r.fieldIndex("f")));
      Object alpha = r.get(r.fieldIndex("alpha"));
      double value = r.getDouble(r.fieldIndex("final_mean"));
      if (alphas) {
        cells.add(new Cell(setting.isEmpty() ? defence : defence + ", " + setting, "", f, String.valueOf(alpha),
            value));
      } else {
        String panel = (alpha == null ? "" : "α=" + alpha) + (alpha != null && !setting.isEmpty() ? ", " : "")
            + setting;
        cells.add(new Cell(panel, "", "f=" + f, defence, value));
      }
    }
    return cells;
  }

  /** The rows of the query {@code worst-case}; none unless some defence met two attacks or more. */
  private List<Row> worstCaseRows() {
    if (runsWithRows < 2) {
      return List.of(); // one run meets one attack: the query's planning alone costs seconds in a fresh JVM
    }
    List<Row> rows = spark.sql(WorstCase.TABLE.sql()).collectAsList();
    return rows.stream().mapToLong(r -> r.getLong(r.fieldIndex("attacks"))).max().orElse(0) < 2 ? List.of() : rows;
  }

  /**
   * The worst-case cells whose strongest attack made some of its runs diverge, for the heatmap's caption:
   * "krum(neighbours=3) f=1: 1 of 1 runs" (with ", α=0.5" for a Dirichlet split, and the setting when there is one).
   */
  List<String> worstCaseDiverged() {
    return worstCaseDiverged(worstCaseRows());
  }

  private static List<String> worstCaseDiverged(List<Row> rows) {
    List<String> out = new ArrayList<>();
    for (Row r : rows) {
      long diverged = r.getLong(r.fieldIndex("diverged"));
      if (diverged == 0) {
        continue;
      }
      Object alpha = r.get(r.fieldIndex("alpha"));
      String setting = r.getString(r.fieldIndex("setting"));
      out.add(r.getString(r.fieldIndex("defence")) + " f=" + r.getInt(r.fieldIndex("f"))
          + (alpha == null ? "" : ", α=" + alpha) + (setting.isEmpty() ? "" : ", " + setting) + ": " + diverged
          + " of " + r.getLong(r.fieldIndex("seeds")) + " runs");
    }
    return out;
  }

  /** Rows of runs that did not diverge: a diverged run's rows stop before the divergence. */
  private static final String NOT_DIVERGED = "run_id NOT IN (SELECT run_id FROM runs WHERE status = 'diverged')";

  private String divergedNote() {
    long diverged = spark.sql("SELECT COUNT(DISTINCT run_id) FROM runs WHERE status = 'diverged'").first()
        .getLong(0);
    return diverged == 0 ? "" : "; " + diverged + " diverged run" + (diverged == 1 ? " is" : "s are") + " left "
        + "out (their status is in the runs table)";
  }

  /** One cell of a heatmap: its panel, the panel's algorithm (or ""), its column and row, its value. */
  record Cell(String panel, String algorithm, String x, String y, double value) {}

  /**
   * Per run: its final test accuracy, else its final gap or loss (the heatmaps' value). A diverged run has no
   * final value (its last written row is before the divergence) and is left out.
   */
  private String finalMetric() {
    String value = hasAccuracy ? "MAX_BY(test_accuracy, iteration) FILTER (WHERE test_accuracy IS NOT NULL)"
        : "MAX_BY(" + lossColumn + ", iteration)";
    return "WITH final AS (SELECT run_id, FIRST(algorithm) AS algorithm, FIRST(byzantine) AS byzantine, "
        + "FIRST(workers) AS workers, FIRST(batch_size) AS batch_size, " + value + " AS value FROM iterations "
        + "WHERE " + NOT_DIVERGED + " GROUP BY run_id)";
  }

  private void heatmaps(List<Cell> cells, String file, String xTitle, String yTitle, String by,
      List<Figure> figures) throws IOException {
    heatmaps(cells, file, xTitle, yTitle, by, "", figures);
  }

  /**
   * The heatmaps of {@code cells}, one panel per cell panel; {@code note}, when not empty, ends the caption instead
   * of the count of diverged runs left out.
   */
  private void heatmaps(List<Cell> cells, String file, String xTitle, String yTitle, String by, String note,
      List<Figure> figures) throws IOException {
    Map<String, List<Cell>> panels = new TreeMap<>();
    cells.forEach(c -> panels.computeIfAbsent(c.panel(), k -> new ArrayList<>()).add(c));
    List<HeatMapChart> charts = new ArrayList<>();
    String metric = hasAccuracy ? "final test accuracy" : "final log10(" + lossTitle + ")";
    java.util.DoubleSummaryStatistics logScale = cells.stream()
        .mapToDouble(cell -> log10(cell.value())).summaryStatistics();
    for (Map.Entry<String, List<Cell>> p : panels.entrySet()) {
      if (charts.size() >= Panels.MAX_PANELS) {
        break;
      }
      List<String> xs = p.getValue().stream().map(Cell::x).distinct().sorted(CATEGORY).toList();
      List<String> ys = p.getValue().stream().map(Cell::y).distinct().sorted(CATEGORY).toList();
      List<Number[]> heat = new ArrayList<>();
      for (Cell cell : p.getValue()) {
        heat.add(new Number[] {xs.indexOf(cell.x()), ys.indexOf(cell.y()),
            hasAccuracy ? cell.value() : log10(cell.value())});
      }
      String algorithm = p.getValue().get(0).algorithm();
      HeatMapChart c = new HeatMapChartBuilder().width(W).height(H)
          .title(Panels.fit(p.getKey().isEmpty() ? (algorithm.isEmpty() ? metric : algorithm)
              : (algorithm.isEmpty() ? p.getKey() : panelTitle(algorithm, p.getKey())), PANEL_TITLE, HEATMAP_WIDTH))
          .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
      c.getStyler().setChartTitleFont(PANEL_TITLE);
      c.getStyler().setAxisTitleFont(SMALL);
      c.getStyler().setAxisTickLabelsFont(SMALL);
      c.getStyler().setShowValue(true);
      if (xs.stream().mapToInt(String::length).sum() > 60) {
        c.getStyler().setXAxisLabelRotation(30); // long rule names with their parameters
      }
      c.getStyler().setValueFont(SMALL);
      c.getStyler().setLegendVisible(true);
      if (hasAccuracy) {
        c.getStyler().setMin(0).setMax(1);
      } else { // one scale for all panels, in whole decades so that the colour bar reads as round numbers
        c.getStyler().setMin(Math.floor(logScale.getMin())).setMax(Math.ceil(logScale.getMax()));
      }
      // red is bad, green good: high accuracy, low loss
      c.getStyler().setRangeColors(hasAccuracy ? RED_TO_GREEN : reversed(RED_TO_GREEN));
      String pattern = hasAccuracy ? "0.000" : "0.00";
      c.getStyler().setHeatMapValueDecimalPattern(pattern);
      c.getStyler().setDecimalPattern(pattern);
      c.getStyler().setHeatMapDecimalValueFormatter(v -> new java.text.DecimalFormat(pattern).format(v));
      c.addSeries(metric, xs, ys, heat);
      charts.add(c);
    }
    if (!charts.isEmpty()) {
      String title = name + ": " + metric + " " + by;
      write(file, title, charts, panels.size(), figures, metric.substring(0, 1).toUpperCase()
          + metric.substring(1) + " " + by + " (mean over seeds)" + (note.isEmpty() ? divergedNote() : note));
    }
  }

  /** A diverging palette (ColorBrewer RdYlGn, 6 classes) from bad to good. */
  private static final java.awt.Color[] RED_TO_GREEN = {new java.awt.Color(0xd73027), new java.awt.Color(0xfc8d59),
      new java.awt.Color(0xfee08b), new java.awt.Color(0xd9ef8b), new java.awt.Color(0x91cf60),
      new java.awt.Color(0x1a9850)};

  private static java.awt.Color[] reversed(java.awt.Color[] colours) {
    java.awt.Color[] out = new java.awt.Color[colours.length];
    for (int i = 0; i < colours.length; i++) {
      out[i] = colours[colours.length - 1 - i];
    }
    return out;
  }

  /** A loss cell's colour value: log10, with an exact 0 (the quadratic's optimum) at −12. */
  private static double log10(double loss) {
    return Math.log10(Math.max(loss, 1e-12));
  }

  /** Numbers in numeric order, then words ("t"), each in text order. */
  private static final Comparator<String> CATEGORY = Comparator.comparing((String s) -> leadingNumber(s) == null)
      .thenComparing(s -> leadingNumber(s) == null ? 0 : leadingNumber(s)).thenComparing(Comparator.naturalOrder());

  private static Double leadingNumber(String s) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^-?[0-9]+(\\.[0-9]+)?").matcher(s);
    return m.find() ? Double.valueOf(m.group()) : null;
  }

  /**
   * The measured vote failure against α = B/Q, with the exact failure probability and Cantelli's bound at the
   * panel's mean p̂ for every B (see {@link org.signsgd.theory.VoteFailure}), and the tolerance α* = 1 − 1/(2p̂)
   * as a vertical line.
   */
  private void voteFailure(List<Figure> figures) throws IOException {
    List<Row> rows = spark.sql("SELECT l.panel, FIRST(i.algorithm), i.byzantine, i.workers, "
        + "AVG(i.vote_failure_rate), AVG(i.honest_agreement), AVG(i.exact_failure) FROM iterations i JOIN labels "
        + "l USING (run_id) WHERE i.vote_failure_rate IS NOT NULL AND i.honest_agreement IS NOT NULL AND "
        + "i.aggregator IN " + AccuracyAndVotes.SIGN_RULES + " "
        + "GROUP BY l.panel, i.byzantine, i.workers ORDER BY l.panel, i.workers, i.byzantine").collectAsList();
    Map<String, List<Row>> panels = new LinkedHashMap<>();
    rows.forEach(r -> panels.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r));
    List<XYChart> charts = new ArrayList<>();
    for (Map.Entry<String, List<Row>> p : panels.entrySet()) {
      if (charts.size() >= Panels.MAX_PANELS) {
        break;
      }
      List<Row> pts = p.getValue();
      int q = pts.get(0).getInt(3);
      double pHat = pts.stream().mapToDouble(r -> r.getDouble(5)).average().orElse(Double.NaN);
      XYChart c = new XYChartBuilder().width(W).height(H + 110).title(Panels.fit(panelTitle(
          pts.get(0).getString(1), p.getKey()), PANEL_TITLE, PLOT_WIDTH))
          .xAxisTitle("Byzantine fraction α = B/Q").yAxisTitle("P[vote sign wrong] per coordinate").build();
      style(c);
      c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
      c.getStyler().setXAxisMin(0.0).setXAxisMax(0.5).setYAxisMin(0.0).setYAxisMax(1.0);
      double[] alpha = pts.stream().mapToDouble(r -> (double) r.getInt(2) / r.getInt(3)).toArray();
      scatter(c, "measured (mean over iterations, seeds)", alpha, pts.stream().mapToDouble(r -> r.getDouble(4))
          .toArray());
      scatter(c, "exact at each run's p̂", alpha, pts.stream().mapToDouble(r -> r.getDouble(6)).toArray());
      List<double[]> exact = new ArrayList<>();
      List<double[]> cantelli = new ArrayList<>();
      List<double[]> amGm = new ArrayList<>();
      for (int b = 0; b <= q / 2; b++) {
        double a = (double) b / q;
        exact.add(new double[] {a, VoteFailure.exactWithTies(q, b, pHat)});
        if ((q - b) * pHat > q / 2.0 && pHat < 1) {
          cantelli.add(new double[] {a, VoteFailure.cantelli(q, b, pHat)});
          double loose = VoteFailure.amGm(q, b, pHat);
          if (loose <= 1) { // vacuous above 1
            amGm.add(new double[] {a, loose});
          }
        }
      }
      line(c, String.format("exact, p̂=%.3f, Q=%d", pHat, q), exact);
      line(c, "Cantelli bound, p̂=" + String.format("%.3f", pHat), cantelli);
      line(c, "AM-GM bound (where ≤ 1)", amGm);
      if (pHat > 0.5) {
        double tolerated = VoteFailure.toleratedFraction(pHat);
        XYSeries s = c.addSeries(String.format("tolerance α < 1 − 1/(2p̂) = %.3f", tolerated),
            new double[] {tolerated, tolerated}, new double[] {0, 1});
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(java.awt.Color.BLACK);
        s.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4},
            0));
      }
      charts.add(c);
    }
    if (!charts.isEmpty()) {
      write("plots/vote-failure.png", name + ": vote failure against the Byzantine fraction", charts,
          panels.size(), figures, "The sign vote's measured failure rate against α = B/Q, with the exact value, "
              + "Cantelli's and the AM-GM bound at the measured p̂ (both from the proofs of Akoun and Meyer 2022, "
              + "Thm 2bis, and Mengoli et al. 2025, Thm 3.7); the dashed line is the "
              + "tolerance α < 1 − 1/(2p̂)");
    }
  }

  private static void scatter(XYChart c, String label, double[] x, double[] y) {
    XYSeries s = c.addSeries(label, x, y);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
  }

  private static void line(XYChart c, String label, List<double[]> pts) {
    if (!pts.isEmpty()) {
      XYSeries s = c.addSeries(label, pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream()
          .mapToDouble(p -> p[1]).toArray());
      if (pts.size() > 1) {
        s.setMarker(SeriesMarkers.NONE); // a single point stays visible as a marker
      }
    }
  }

  private static void style(XYChart c) {
    c.getStyler().setChartTitleFont(PANEL_TITLE);
    c.getStyler().setAxisTitleFont(SMALL);
    c.getStyler().setAxisTickLabelsFont(SMALL);
    c.getStyler().setLegendFont(SMALL);
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    c.getStyler().setMarkerSize(6);
  }


  private void write(String file, String title, List<? extends org.knowm.xchart.internal.chartpart.Chart<?, ?>>
      charts, long panels, List<Figure> figures, String caption) throws IOException {
    String subtitle = shared + (panels > charts.size() ? ", first " + charts.size() + " of " + panels + " panels"
        : "");
    out.write(file, Panels.png(title, subtitle, charts, 3, charts.get(0).getWidth(), charts.get(0).getHeight()));
    figures.add(new Figure(file, title, caption));
  }
}
