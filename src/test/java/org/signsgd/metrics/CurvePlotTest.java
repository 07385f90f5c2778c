package org.signsgd.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** Curves over iterations end their x axis half an iteration past the last point, so that XChart picks round ticks. */
class CurvePlotTest {
  private static XYChart chart(int points) {
    XYChart c = new XYChartBuilder().width(620).height(420).build();
    double[] x = new double[points];
    double[] y = new double[points];
    for (int i = 0; i < points; i++) {
      x[i] = i;
      y[i] = 1.0 / (i + 1);
    }
    c.addSeries("a", x, y);
    return c;
  }

  @Test
  void theAxisEndsHalfAnIterationPastTheLastPointOfAnySeries() {
    XYChart c = chart(150);
    c.addSeries("b", new double[] {0, 100, 160}, new double[] {1, 2, 3}); // the last point is b's
    CurvePlot.roundIterationTicks(c);
    assertThat(c.getStyler().getXAxisMax()).isEqualTo(160.5);
  }

  @Test
  void shortCurvesKeepXChartsWholeIterationTicks() {
    XYChart one = chart(1);
    CurvePlot.roundIterationTicks(one);
    assertThat(one.getStyler().getXAxisMax()).isNull();
    XYChart three = chart(3); // round steps over 0..2.5 would be 0.5
    CurvePlot.roundIterationTicks(three);
    assertThat(three.getStyler().getXAxisMax()).isNull();
    XYChart twentyOne = chart(21);
    CurvePlot.roundIterationTicks(twentyOne);
    assertThat(twentyOne.getStyler().getXAxisMax()).isEqualTo(20.5);
  }
}
