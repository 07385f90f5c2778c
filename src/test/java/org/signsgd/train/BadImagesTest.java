package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.data.ImageFolderData;
import org.signsgd.data.Shards;
import org.signsgd.job.JobSpec;
import org.signsgd.model.GradientModel;

/**
 * The {@code bad_images} column: the undecodable images of an iteration's minibatches, counted in the workers'
 * tasks and summed by the driver, the same on both engines.
 */
class BadImagesTest {
  @TempDir
  Path dir;

  /**
   * A 3-parameter model over an image folder: f(x) = ½‖x‖², and a worker's gradient x − (its batch's mean of
   * each input channel), so every batch is decoded; the folder's bad-image count passes through.
   */
  record ChannelMeans(ImageFolderData data, Shards shards) implements GradientModel {
    @Override
    public String name() {
      return "channel-means";
    }

    @Override
    public int dimension() {
      return 3;
    }

    @Override
    public float[] initialParameters() {
      return new float[] {1, 1, 1};
    }

    @Override
    public double loss(float[] x) {
      return 0.5 * (x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
    }

    @Override
    public float[] exactGradient(float[] x) {
      return x.clone();
    }

    @Override
    public double stochasticGradient(float[] x, int batchSize, long iteration, int worker, float[] out) {
      int[] idx = shards.batch(worker, iteration, batchSize);
      float[] fx = new float[idx.length * data.inputs()];
      data.train(idx, null, fx, new float[idx.length * data.outputs()]);
      int plane = data.inputs() / 3;
      for (int c = 0; c < 3; c++) {
        double sum = 0;
        for (int r = 0; r < idx.length; r++) {
          for (int k = 0; k < plane; k++) {
            sum += fx[r * data.inputs() + c * plane + k];
          }
        }
        out[c] = (float) (x[c] - sum / (idx.length * plane));
      }
      return Double.NaN;
    }

    @Override
    public long takeBadImages() {
      return data.takeBadImages();
    }

    @Override
    public Evaluation evaluate(float[] x) {
      return Evaluation.NONE;
    }
  }

  private void png(String relative, int grey) throws IOException {
    Path p = dir.resolve("folder").resolve(relative);
    Files.createDirectories(p.getParent());
    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(6, 6,
        java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    int[] v = new int[36];
    Arrays.fill(v, grey);
    img.getRaster().setPixels(0, 0, 6, 6, v);
    ImageIO.write(img, "png", p.toFile());
  }

  @Test
  void undecodableImagesAreCountedPerIterationOnBothEngines() throws Exception {
    png("train/a/0.png", 10);
    png("train/a/1.png", 200);
    byte[] whole = Files.readAllBytes(dir.resolve("folder/train/a/1.png"));
    Files.write(dir.resolve("folder/train/a/1.png"), Arrays.copyOf(whole, whole.length / 2)); // truncated
    png("train/a/2.png", 60);
    png("train/b/0.png", 90);
    Files.writeString(dir.resolve("folder/train/b/1.jpg"), "not an image");
    png("val/a/0.png", 10);
    png("val/b/0.png", 90);
    JobSpec spec = TestJobs.one(dir, TestJobs.TOY, "iterations=3", "workers=2", "model.dim=3", "batch_size=4");
    ImageFolderData data = ImageFolderData.of(dir.resolve("folder").toString(), 4, false);
    // 5 images over 2 workers: each batch is its worker's whole shard, so every iteration meets both bad files
    GradientModel model = new ChannelMeans(data, new Shards(5, 2, spec.seed()));
    List<IterationRow> inProcess = TestJobs.timeless(rows(new InProcessEngine(), spec, model));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkSessions.get("local[2]").sparkContext());
    List<IterationRow> spark = TestJobs.timeless(rows(new SparkEngine(jsc), spec, model));
    assertThat(inProcess).hasSize(3).isEqualTo(spark);
    assertThat(inProcess).extracting(IterationRow::badImages).containsExactly(2L, 2L, 2L);
    // and data held in memory never has any
    assertThat(TestJobs.run(new InProcessEngine(), spec)).extracting(IterationRow::badImages).containsOnly(0L);
  }

  private static List<IterationRow> rows(Engine engine, JobSpec spec, GradientModel model) {
    List<IterationRow> rows = new java.util.ArrayList<>();
    RunLifecycle.Ended ended = RunLifecycle.run(engine, new Driver(spec, model), rows::add);
    if (ended.error() != null) {
      throw ended.error();
    }
    return rows;
  }
}
