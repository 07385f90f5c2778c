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
  void inverseLinearIsRecomputedOnlyEveryPeriod() {
    // El Mhamdi, Guerraoui, Rouault, ICLR 2021 (their reproduce.py), CIFAR: lr 0.01 with t/167, recomputed every
    // 1500 steps: 0.01, then 0.01/(1500/167 + 1) = 0.0010018
    LearningRate cifar = LearningRate.inverseLinear(0.01, 167, 1500);
    assertThat(cifar.at(0)).isEqualTo(0.01);
    assertThat(cifar.at(1499)).isEqualTo(0.01);
    assertThat(cifar.at(1500)).isCloseTo(0.01 / (1500.0 / 167 + 1), within(1e-18));
    assertThat(cifar.at(1500)).isCloseTo(0.0010018, within(1e-7));
    // MNIST grid: 0.5/(t/5000 + 1) every 300 steps: constant over a 300-step run, 0.5/1.06 from t = 300
    LearningRate mnist = LearningRate.inverseLinear(0.5, 5000, 300);
    assertThat(mnist.at(299)).isEqualTo(0.5);
    assertThat(mnist.at(300)).isCloseTo(0.5 / 1.06, within(1e-15));
    assertThat(LearningRate.inverseLinear(1, 10, 1).at(5)).isCloseTo(1 / 1.5, within(1e-15));
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
