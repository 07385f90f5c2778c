package org.signsgd.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.data.MnistFixture;
import org.signsgd.spec.RuleSpec;

/** Model and data settings: the networks' sizes and one-line errors for bad settings. */
class ModelsTest {
  @TempDir
  Path dir;

  private static RuleSpec mnist() {
    return new RuleSpec("mnist", Map.of("dir", MnistFixture.dir().toString()));
  }

  @Test
  void networksHaveTheSeedsParameterCounts() {
    // 784·100 + 100 + 100·10 + 10; 20·40 + 40 + 40·1 + 1; 20·40 + 40 + 40·2 + 2
    assertThat(Models.create(new RuleSpec("mlp", Map.of()), mnist(), 1, 3).dimension()).isEqualTo(79_510);
    assertThat(Models.create(new RuleSpec("linreg-net", Map.of()), new RuleSpec("synthetic", Map.of()), 1, 3)
        .dimension()).isEqualTo(881);
    assertThat(Models.create(new RuleSpec("logreg-net", Map.of()), new RuleSpec("synthetic", Map.of()), 1, 3)
        .dimension()).isEqualTo(922);
    // conv1 1→64 k5: 1,664; conv2 64→64 k5: 102,464; conv3, conv4 64→64 k3: 36,928 each;
    // fc 3136→128: 401,536; fc 128→10: 1,290
    assertThat(Models.create(new RuleSpec("akoun-mnistnet", Map.of()), mnist(), 1, 3).dimension())
        .isEqualTo(1_664 + 102_464 + 2 * 36_928 + 401_536 + 1_290);
  }

  /** The sizes the memory check uses without building a network are the built networks' numParams(). */
  @Test
  void dimensionWithoutBuildingIsTheBuiltNetworksSize() {
    for (String name : Networks.NAMES) {
      for (boolean gemm : new boolean[] {true, false}) {
        org.deeplearning4j.nn.multilayer.MultiLayerNetwork net = new org.deeplearning4j.nn.multilayer
            .MultiLayerNetwork(Networks.config(name, 1, org.nd4j.linalg.api.buffer.DataType.FLOAT, gemm));
        net.init();
        assertThat(Models.dimension(new RuleSpec(name, Map.of()))).as(name).isEqualTo(net.numParams());
      }
    }
    assertThat(Models.dimension(new RuleSpec("mengoli-cnn", Map.of()))).isEqualTo(1_199_882);
    assertThat(Models.dimension(new RuleSpec("quadratic", Map.of()))).isEqualTo(1000);
    assertThat(Models.dimension(new RuleSpec("quadratic", Map.of("dim", 100_000_000)))).isEqualTo(100_000_000);
    assertThat(Models.dimension(new RuleSpec("logistic", Map.of()))).isEqualTo(21);
  }

  @Test
  void sameSeedSameInitialWeightsOtherSeedOthers() {
    float[] a = Models.create(new RuleSpec("mlp", Map.of()), mnist(), 1, 3).initialParameters();
    float[] b = Models.create(new RuleSpec("mlp", Map.of()), mnist(), 1, 3).initialParameters();
    float[] c = Models.create(new RuleSpec("mlp", Map.of()), mnist(), 2, 3).initialParameters();
    assertThat(java.util.Arrays.equals(a, b)).isTrue();
    assertThat(java.util.Arrays.equals(a, c)).isFalse();
    // U(−1/√784, 1/√784) for the first layer's weights
    for (int i = 0; i < 78_400; i++) {
      assertThat(Math.abs(a[i])).isLessThanOrEqualTo((float) (1 / Math.sqrt(784)));
    }
  }

  /** A ResNet reads an image folder: its class count, its size settings and one-line errors before any build. */
  @Test
  void resnetsOnAnImageFolder() {
    Path folder = dir.resolve("folder");
    org.signsgd.data.ImageFolderWriter.write(org.signsgd.data.ImageDataset.load(MnistFixture.dir().toString()),
        folder, "png", 2, 1);
    RuleSpec data = new RuleSpec("image-folder", Map.of("dir", folder.toString(), "image_size", 32));
    Models.Settings s = Models.check(new RuleSpec("resnet18", Map.of()), data, 1, 3);
    // num_classes from the folder; the data settings as the run uses them
    assertThat(s.model()).containsEntry("num_classes", 10).containsEntry("conv", "gemm");
    assertThat(s.data()).containsEntry("image_size", 32).containsEntry("augment", true)
        .containsEntry("split", "iid").containsEntry("dir", folder.toAbsolutePath().normalize().toString());
    // the memory check's d without a build: ImageNet's 1000 classes unless num_classes says otherwise
    assertThat(Models.dimension(new RuleSpec("resnet50", Map.of()))).isEqualTo(25_557_032L);
    assertThat(Models.dimension(new RuleSpec("resnet18", Map.of("num_classes", 10)))).isEqualTo(11_181_642L);
    assertThatThrownBy(() -> Models.check(new RuleSpec("resnet18", Map.of("num_classes", 1000)), data, 1, 3))
        .hasMessage("resnet18: num_classes is 1000 but the image folder " + folder.toAbsolutePath().normalize()
            + " has 10 classes; remove num_classes or set it to 10");
    assertThatThrownBy(() -> Models.check(new RuleSpec("resnet50", Map.of()), mnist(), 1, 3))
        .hasMessageStartingWith("data 'mnist' is not available for model resnet50").hasMessageEndingWith(
            "allowed: image-folder");
    assertThatThrownBy(() -> Models.check(new RuleSpec("resnet18", Map.of()),
        new RuleSpec("image-folder", Map.of("image_size", 32)), 1, 3)).hasMessageStartingWith(
            "data.dir is not set: image-folder needs the folder that holds train/<class>/ and val/<class>/");
    assertThatThrownBy(() -> Models.check(new RuleSpec("resnet18", Map.of()),
        new RuleSpec("image-folder", Map.of("dir", folder.toString(), "image_size", 16)), 1, 3))
        .hasMessageContaining("image_size").hasMessageContaining("16");
    assertThatThrownBy(() -> Models.check(new RuleSpec("resnet18", Map.of()),
        new RuleSpec("image-folder", Map.of("dir", dir.resolve("none").toString())), 1, 3))
        .hasMessageNotContaining("\n").hasMessageContaining("none");
  }

  @Test
  void badSettingsAreOneLineErrors() {
    RuleSpec mlp = new RuleSpec("mlp", Map.of());
    assertThatThrownBy(() -> Models.check(mlp, new RuleSpec("synthetic", Map.of()), 1, 3))
        .hasMessage("data 'synthetic' is not available for model mlp; allowed: mnist, fashion-mnist");
    assertThatThrownBy(() -> Models.check(mlp, new RuleSpec("mnst", Map.of()), 1, 3))
        .hasMessage("data 'mnst' is not available for model mlp (did you mean 'mnist'?); allowed: mnist, "
            + "fashion-mnist");
    Path empty = dir.resolve("nothing");
    assertThatThrownBy(() -> Models.check(mlp, new RuleSpec("fashion-mnist", Map.of("dir", empty.toString())), 1,
        3)).hasMessage("fashion-mnist: the idx files are not in " + empty + "; run datasets/fetch-fashion-mnist.sh "
            + empty + " (submit/local.sh fetches them for you), or set data.dir");
    assertThatThrownBy(() -> Models.check(new RuleSpec("mlp", Map.of("precision", "half")), mnist(), 1, 3))
        .hasMessage("mlp: parameter precision is half; allowed: float, double");
    assertThatThrownBy(() -> Models.check(mlp, new RuleSpec("mnist", Map.of("dir", MnistFixture.dir().toString(),
        "split", "by-label")), 1, 3)).hasMessage("mnist: parameter split is by-label; allowed: iid, dirichlet, shared");
    assertThatThrownBy(() -> Models.check(mlp, new RuleSpec("mnist", Map.of("dir", MnistFixture.dir().toString(),
        "alpah", 0.1)), 1, 3)).hasMessageStartingWith("mnist: unknown parameter 'alpah' (did you mean 'alpha'?)");
    assertThatThrownBy(() -> Models.check(mlp, new RuleSpec("mnist", Map.of("dir", MnistFixture.dir().toString(),
        "augment", "yes")), 1, 3)).hasMessage("mnist: parameter augment is yes; allowed: true, false, hflip");
    // a Dirichlet split that leaves a worker empty fails when the job is checked, before any run starts
    assertThatThrownBy(() -> Models.check(mlp, new RuleSpec("mnist", Map.of("dir", MnistFixture.dir().toString(),
        "split", "dirichlet", "alpha", 0.001)), 1, 500)).hasMessageMatching("sharding: dirichlet alpha=0.001 left "
            + "worker \\d+ with no sample; allowed: a larger alpha, or fewer workers");
    assertThatThrownBy(() -> Models.check(new RuleSpec("mengoli-cn", Map.of()), mnist(), 1, 3))
        .hasMessageStartingWith("unknown model 'mengoli-cn' (did you mean 'mengoli-cnn'?)");
    assertThatThrownBy(() -> Models.check(new RuleSpec("quadratic", Map.of()), mnist(), 1, 3))
        .hasMessageStartingWith("data 'mnist' is not available for model quadratic");
  }
}
