package org.signsgd.metrics;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** A PNG of the training objective per iteration, one line per run, log scale (XChart). */
public final class LossPlot {
  private LossPlot() {}

  /** @param series label → (iterations, losses) */
  public static Path write(Path file, String title, String subtitle, Map<String, double[][]> series)
      throws IOException {
    XYChart chart = new XYChartBuilder().width(1000).height(600).title(title + " — " + subtitle)
        .xAxisTitle("iteration").yAxisTitle("training objective f(x) (log scale)").build();
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setMarkerSize(0);
    chart.getStyler().setLegendVisible(true);
    for (Map.Entry<String, double[][]> e : series.entrySet()) {
      double[] xs = e.getValue()[0];
      double[] ys = clampPositive(e.getValue()[1]);
      if (xs.length > 0) {
        chart.addSeries(e.getKey(), xs, ys).setMarker(SeriesMarkers.NONE);
      }
    }
    java.nio.file.Files.createDirectories(file.getParent());
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    return file;
  }

  private static double[] clampPositive(double[] ys) {
    double[] out = ys.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.max(out[i], 1e-12);
    }
    return out;
  }
}
