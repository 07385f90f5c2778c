package org.signsgd.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.data.ImageDataset;
import org.signsgd.data.ImageFolderWriter;
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
  void elmhamdiGridIsSeed003sMnistHalf() {
    // Fashion-MNIST is not fetched in tests: an MNIST entry with the same transform stands in for it
    String d = MnistFixture.dir().toString();
    List<JobSpec> runs = JobFile.load(Path.of("jobs", "elmhamdi-mnist-grid.yaml"), List.of("grid.data=["
        + "{name: mnist, split: shared, dir: '" + d + "'}, "
        + "{name: mnist, split: shared, augment: hflip, dir: '" + d + "'}]"));
    // 2 data sets x 2 lr x 2 Nesterov x 5 seeds x (11 GAR-f pairs x 2 attacks x 2 placements + 2 baselines)
    assertThat(runs).hasSize(1840);
    assertThat(runs).allSatisfy(s -> {
      assertThat(s.model().name()).isEqualTo("mlp");
      assertThat(s.batchSize().label()).isEqualTo("83");
      assertThat(s.iterations()).isEqualTo(300);
      assertThat(s.momentumBeta()).isEqualTo(0.9);
      assertThat(s.momentumDampening()).isZero();
      assertThat(s.gradientClip()).isEqualTo(2.0);
      assertThat(s.l2Penalty()).isEqualTo(1e-4);
      assertThat(s.declaredByzantine()).isEqualTo(s.byzantine());
      assertThat(s.workers() - (s.byzantine() == 0 ? 0 : s.byzantine())).isIn(27, 39);
    });
    List<JobSpec> baselines = runs.stream().filter(s -> s.byzantine() == 0).toList();
    assertThat(baselines).hasSize(80).allSatisfy(s -> {
      assertThat(s.aggregator().name()).isEqualTo("mean");
      assertThat(s.attack().name()).isEqualTo("none");
      assertThat(s.momentumAt()).isEqualTo("server");
    });
    Map<String, Long> perRule = runs.stream().filter(s -> s.byzantine() > 0).collect(Collectors.groupingBy(s ->
        s.aggregator().name() + " f=" + s.byzantine(), Collectors.counting()));
    assertThat(perRule).hasSize(11).containsEntry("bulyan f=12", 160L).doesNotContainKey("bulyan f=24")
        .containsEntry("krum f=24", 160L);
    assertThat(runs).filteredOn(s -> s.attack().name().equals("alie"))
        .allSatisfy(s -> assertThat(s.attack().params()).containsEntry("factor", 1.5));
    assertThat(runs).filteredOn(s -> s.attack().name().equals("fall-of-empires"))
        .allSatisfy(s -> assertThat(s.attack().params()).containsEntry("epsilon", 0.1));
    assertThat(runs).extracting(s -> s.lr().params().get("initial")).containsOnly(0.5, 0.02);
    assertThat(runs).extracting(JobSpec::seed).containsOnly(1L, 2L, 3L, 4L, 5L);
    assertThat(load("elmhamdi-mnist-quick.yaml")).hasSize(46)
        .allSatisfy(s -> assertThat(s.iterations()).isEqualTo(20));
  }

  @Test
  void parkLeeJobsAreSeed002sGrid() {
    List<JobSpec> full = load("park-lee-mnist.yaml");
    assertThat(full).hasSize(18).allSatisfy(s -> {
      assertThat(s.workers()).isEqualTo(15);
      assertThat(s.batchSize().label()).isEqualTo("64");
      assertThat(s.iterations()).isEqualTo(3000);
      assertThat(s.lr().params()).containsEntry("initial", 1.0e-3);
      assertThat(s.model().name()).isEqualTo("mengoli-cnn");
      assertThat(s.workerMetrics()).isTrue();
    });
    assertThat(full).extracting(JobSpec::byzantine).containsOnly(3, 6, 9);
    assertThat(full).extracting(s -> s.aggregator().name()).containsOnly("sign-fd", "majority-vote");
    assertThat(full).filteredOn(s -> s.aggregator().name().equals("sign-fd"))
        .allSatisfy(s -> assertThat(s.aggregator().params()).containsEntry("t_in", 100));
    assertThat(load("park-lee-mnist-quick.yaml")).hasSize(12);
  }

  @Test
  void akounImagenetJobsAreSeed001sSettingsAndNeedAFolder(@TempDir Path tmp) {
    Path folder = tmp.resolve("folder");
    ImageFolderWriter.write(ImageDataset.load(MnistFixture.dir().toString()), folder, "png", 1, 1);
    for (String net : List.of("resnet18", "resnet50")) {
      String file = "akoun-imagenet-" + net + ".yaml";
      List<JobSpec> runs = JobFile.load(Path.of("jobs", file), List.of("data.dir=" + folder));
      // SGD, signSGD and Signum under the blind inversion; signSGD and Signum under zeroing; B = 0..4 of 8
      assertThat(runs).hasSize(25);
      Map<String, Long> perAlgorithm = runs.stream().collect(Collectors.groupingBy(JobSpec::algorithm,
          Collectors.counting()));
      assertThat(perAlgorithm).containsOnly(Map.entry("sgd", 5L), Map.entry("signsgd", 10L),
          Map.entry("signum", 10L));
      assertThat(runs).extracting(JobSpec::byzantine).containsOnly(0, 1, 2, 3, 4);
      assertThat(runs).allSatisfy(s -> {
        assertThat(s.model().name()).isEqualTo(net);
        assertThat(s.data().name()).isEqualTo("image-folder");
        assertThat(s.seed()).isEqualTo(8005L);
        assertThat(s.workers()).isEqualTo(8);
        assertThat(s.batchSize().label()).isEqualTo("16");
        assertThat(s.iterations()).isEqualTo(100_100);
        assertThat(s.lr().params()).containsEntry("initial", s.algorithm().equals("sgd") ? 1.0e-3 : 1.0e-4)
            .containsEntry("every", 300_300).containsEntry("factor", 0.1);
        assertThat(s.json()).contains("\"image_size\":224").contains("\"augment\":true");
      });
      assertThat(runs).filteredOn(s -> s.algorithm().equals("signum"))
          .allSatisfy(s -> assertThat(s.momentumBeta()).isEqualTo(0.9));
      // without data.dir: one line that names the key
      assertThatThrownBy(() -> JobFile.load(Path.of("jobs", file), List.of())).isInstanceOf(JobException.class)
          .hasMessageContaining("data.dir is not set").hasMessageNotContaining("\n");
    }
  }

  @Test
  void byzflGridIsRulesByAttacksByFByAlpha() {
    List<JobSpec> runs = JobFile.load(Path.of("jobs", "byzfl-grid.yaml"), List.of("data.dir=" + MnistFixture.dir()));
    // 2 α × 2 f × 5 rules × 5 attacks (none the baseline) × 2 seeds
    assertThat(runs).hasSize(200).allSatisfy(s -> {
      assertThat(s.model().name()).isEqualTo("mlp");
      assertThat(s.data().params()).containsEntry("split", "dirichlet");
      assertThat(s.workers() - s.byzantine()).isEqualTo(10); // ByzFL's n = 10 honest + f
      assertThat(s.declaredByzantine()).isEqualTo(s.byzantine());
      assertThat(s.iterations()).isEqualTo(40);
    });
    assertThat(runs).extracting(s -> s.data().params().get("alpha")).containsOnly(0.5, 10.0);
    assertThat(runs).extracting(JobSpec::byzantine).containsOnly(1, 3);
    assertThat(runs).extracting(s -> s.aggregator().name()).containsOnly("mean", "median", "trimmed-mean", "nnm",
        "caf");
    assertThat(runs).extracting(s -> s.attack().name()).containsOnly("none", "alie", "fall-of-empires",
        "sign-flip", "min-max");
    // ALIE as ByzFL sends it (μ + zσ), and NNM with Krum inside
    assertThat(runs).filteredOn(s -> s.attack().name().equals("alie"))
        .allSatisfy(s -> assertThat(s.attack().params()).containsEntry("direction", "plus"));
    assertThat(runs).filteredOn(s -> s.aggregator().name().equals("nnm"))
        .allSatisfy(s -> assertThat(s.aggregator().params()).containsEntry("then", "krum"));
    assertThat(runs).extracting(JobSpec::seed).containsOnly(1L, 2L);
  }

  @Test
  void everyOtherJobLoads() {
    for (String name : List.of("toy-quadratic.yaml", "linear-regression.yaml", "logistic-regression.yaml")) {
      assertThat(load(name)).as(name).isNotEmpty();
    }
  }
}
