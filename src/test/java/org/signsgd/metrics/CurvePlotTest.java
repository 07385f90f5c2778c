package org.signsgd.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** Curves over iterations end their x axis half a step past the last point, so that XChart picks round ticks. */
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
  void theAxisEndsHalfAStepPastTheLastIteration() {
    XYChart c = chart(150);
    c.addSeries("b", new double[] {0, 10, 20}, new double[] {1, 2, 3});
    CurvePlot.roundIterationTicks(c);
    assertThat(c.getStyler().getXAxisMax()).isEqualTo(149.5);
    // a single iteration has no step: the axis stays XChart's
    XYChart one = chart(1);
    CurvePlot.roundIterationTicks(one);
    assertThat(one.getStyler().getXAxisMax()).isNull();
  }
}
