package org.signsgd.metrics;

import java.io.IOException;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** A PNG of one metric per iteration, one line per run (XChart): the training loss, the test accuracy. */
public final class CurvePlot {
  private CurvePlot() {}

  /**
   * @param yTitle the metric, e.g. "training loss"
   * @param log a log-scale y axis (a value that is not positive leaves a gap in its line)
   * @param series label → (iterations, values)
   */
  /** Draws the curves and writes them as a PNG to {@code file} under {@code out}; returns where, for people. */
  public static String write(OutputDir out, String file, String title, String subtitle, String yTitle,
      boolean log, Map<String, double[][]> series) throws IOException {
    // tall enough for one legend line per series
    XYChart chart = new XYChartBuilder().width(1000).height(Math.max(600, 20 * series.size() + 120))
        .title(title + " — " + subtitle)
        .xAxisTitle("iteration").yAxisTitle(yTitle + (log ? " (log scale)" : "")).build();
    chart.getStyler().setYAxisLogarithmic(log);
    chart.getStyler().setMarkerSize(0);
    chart.getStyler().setLegendVisible(true);
    for (Map.Entry<String, double[][]> e : series.entrySet()) {
      double[] xs = e.getValue()[0];
      double[] ys = log ? positiveOrGap(e.getValue()[1]) : e.getValue()[1];
      if (xs.length > 0) {
        chart.addSeries(e.getKey(), xs, ys).setMarker(SeriesMarkers.NONE);
      }
    }
    roundIterationTicks(chart);
    out.write(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    return out.display(file);
  }

  /**
   * XChart labels the x axis of equally spaced data (a point per iteration) at data points, as densely as the labels
   * fit with a tenth of their width between them (0 8 16 … 144, touching at three digits). With the axis' end half an
   * iteration past the last point the values are no longer equally spaced to it, and it picks round steps (0 20 40 …)
   * as for any other data. Short curves keep XChart's ticks: below {@value #ROUND_TICKS_FROM} iterations its round
   * steps would be fractions (0 0.5 1 …). Call it once the series are in.
   */
  public static void roundIterationTicks(XYChart chart) {
    double min = chart.getSeriesMap().values().stream().mapToDouble(s -> s.getXMin()).min().orElse(Double.NaN);
    double max = chart.getSeriesMap().values().stream().mapToDouble(s -> s.getXMax()).max().orElse(Double.NaN);
    if (Double.isFinite(min) && Double.isFinite(max) && max - min >= ROUND_TICKS_FROM) {
      chart.getStyler().setXAxisMax(max + 0.5);
    }
  }

  /** The span of iterations from which {@link #roundIterationTicks} moves the axis' end. */
  static final int ROUND_TICKS_FROM = 20;

  private static double[] positiveOrGap(double[] ys) {
    double[] out = ys.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] = out[i] > 0 ? out[i] : Double.NaN;
    }
    return out;
  }
}
