package org.signsgd.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The line search replayed one call at a time, as the server runs it chunk by chunk (each objective value a pass
 * over the chunks): after the values of its first i calls, {@link LineMaximize#next} is the factor its call i + 1
 * tries, and {@link LineMaximize#best} over all the values is the factor the search returns.
 */
class LineMaximizeTest {
  @Test
  void theReplayProposesWhatTheSearchTries() {
    List<DoubleUnaryOperator> objectives = List.of(
        x -> -(x - 2.3) * (x - 2.3), // a peak the contraction closes in on
        x -> 2 * Math.min(x, 1) * Math.min(x, 1), // a plateau: ties keep the earlier factor
        x -> x, // rising: the expansion doubles to the end
        x -> Math.sin(3 * x) + 0.1 * x);
    for (DoubleUnaryOperator f : objectives) {
      for (int evaluations : new int[] {1, 2, 5, 16}) {
        for (double step : new double[] {1, 0.25, 10}) {
          List<Double> xs = new ArrayList<>();
          List<Double> ys = new ArrayList<>();
          double found = LineMaximize.argMax(x -> {
            double y = f.applyAsDouble(x);
            xs.add(x);
            ys.add(y);
            return y;
          }, evaluations, step);
          assertThat(xs).hasSize(evaluations);
          double[] values = ys.stream().mapToDouble(Double::doubleValue).toArray();
          for (int i = 0; i < evaluations; i++) {
            assertThat(LineMaximize.next(java.util.Arrays.copyOf(values, i), evaluations, step))
                .as("call %d of %d, step %s", i + 1, evaluations, step).isEqualTo(xs.get(i));
          }
          assertThat(LineMaximize.best(values, evaluations, step)).isEqualTo(found);
        }
      }
    }
  }

  /** The example of the optimal-alie worked example: 0, 1, 3, then the contraction from 3 by 1.6, 1.28, ... */
  @Test
  void theFirstProposals() {
    assertThat(LineMaximize.next(new double[0], 16, 1)).isEqualTo(0);
    assertThat(LineMaximize.next(new double[] {0}, 16, 1)).isEqualTo(1);
    assertThat(LineMaximize.next(new double[] {0, 2}, 16, 1)).isEqualTo(3);
    assertThat(LineMaximize.next(new double[] {0, 2, 2}, 16, 1)).isCloseTo(1.4, org.assertj.core.api.Assertions.within(1e-12));
    assertThatThrownBy(() -> LineMaximize.next(new double[16], 16, 1)).hasMessage("the search has tried all 16 "
        + "factors");
    assertThatThrownBy(() -> LineMaximize.best(new double[3], 16, 1)).hasMessage("3 values for a search of 16 tries");
  }
}
