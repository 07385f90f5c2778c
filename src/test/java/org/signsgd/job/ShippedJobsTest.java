package org.signsgd.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.signsgd.data.MnistFixture;

/** Every job file in jobs/ loads and expands to the runs its comment promises. */
class ShippedJobsTest {
  private static List<JobSpec> load(String name) {
    return JobFile.load(Path.of("jobs", name), List.of("data.dir=" + MnistFixture.dir()).stream()
        .filter(o -> name.contains("mnist") || name.equals("quickstart.yaml")).toList());
  }

  @Test
  void mengoliMnistJobsAreTheTable3Settings() {
    for (String b : List.of("64", "256", "512")) {
      List<JobSpec> runs = load("mengoli-mnist-b" + b + ".yaml");
      assertThat(runs).extracting(JobSpec::byzantine).containsExactly(0, 5, 9, 10, 13);
      JobSpec s = runs.get(0);
      assertThat(s.model().name()).isEqualTo("mengoli-cnn");
      assertThat(s.workers()).isEqualTo(27);
      assertThat(s.batchSize().label()).isEqualTo(b);
      assertThat(s.iterations()).isEqualTo(b.equals("64") ? 500 : 200);
      assertThat(s.momentumBeta()).isEqualTo(0.9);
      assertThat(s.weightDecay()).isEqualTo(0.05);
      assertThat(s.lr().params()).containsEntry("initial", 1.0e-4);
      assertThat(s.attack().name()).isEqualTo("byzantine-vote");
      assertThat(s.evalEvery()).isEqualTo(5);
      // the run records its data settings, augmentation included
      assertThat(s.json()).contains("\"augment\":false").contains("\"split\":\"iid\"");
    }
  }

  @Test
  void akounMnistJobsCompareSgdSignsgdAndSignum() {
    for (String kind : List.of("blind", "byzantine")) {
      List<JobSpec> runs = load("akoun-mnist-" + kind + ".yaml");
      assertThat(runs).hasSize(15);
      Map<String, Long> perAlgorithm = runs.stream().collect(Collectors.groupingBy(JobSpec::algorithm,
          Collectors.counting()));
      assertThat(perAlgorithm).containsOnly(Map.entry("sgd", 5L), Map.entry("signsgd", 5L),
          Map.entry("signum", 5L));
      assertThat(runs).allSatisfy(s -> assertThat(s.model().name()).isEqualTo("akoun-mnistnet"));
      assertThat(runs).filteredOn(s -> !s.algorithm().equals("sgd")).allSatisfy(s -> assertThat(s.attack().name())
          .isEqualTo(kind.equals("blind") ? "blind-flip" : "zeroing"));
    }
  }

  @Test
  void quickstartIsMnistSgdAgainstSignumUnderAttack() {
    List<JobSpec> runs = load("quickstart.yaml");
    assertThat(runs).extracting(JobSpec::algorithm).containsExactly("sgd", "signum");
    assertThat(runs).allSatisfy(s -> {
      assertThat(s.model().name()).isEqualTo("mlp");
      assertThat(s.data().name()).isEqualTo("mnist");
      assertThat(s.byzantine()).isEqualTo(1);
    });
  }

  @Test
  void everyOtherJobLoads() {
    for (String name : List.of("toy-quadratic.yaml", "linear-regression.yaml", "logistic-regression.yaml")) {
      assertThat(load(name)).as(name).isNotEmpty();
    }
  }
}
