package org.signsgd.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LearningRateTest {
  @Test
  void schedulesByHand() {
    assertThat(LearningRate.constant(0.5).at(1000)).isEqualTo(0.5);
    LearningRate inv = LearningRate.inverseSqrt(1.0);
    assertThat(inv.at(0)).isEqualTo(1.0);
    assertThat(inv.at(3)).isEqualTo(0.5);
    assertThat(inv.at(99)).isCloseTo(0.1, within(1e-15));
    LearningRate step = LearningRate.step(1e-4, 0.1, 30);
    assertThat(step.at(29)).isEqualTo(1e-4);
    assertThat(step.at(30)).isCloseTo(1e-5, within(1e-20));
    assertThat(step.at(65)).isCloseTo(1e-6, within(1e-20));
  }

  @Test
  void badSchedulesAreOneLineErrors() {
    assertThatThrownBy(() -> LearningRate.constant(-0.1))
        .hasMessage("lr schedule constant: initial is -0.1; allowed: a finite number > 0");
    assertThatThrownBy(() -> LearningRate.step(0.1, 1.5, 30))
        .hasMessage("lr schedule step: factor is 1.5; allowed: 0 < factor <= 1");
    assertThatThrownBy(() -> LearningRate.step(0.1, 0.1, 0))
        .hasMessage("lr schedule step: every is 0; allowed: every >= 1");
  }
}
