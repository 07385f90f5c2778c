package org.signsgd.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.job.JobSpec;
import org.signsgd.model.Models;
import org.signsgd.rng.SeedStreams;
import org.signsgd.spec.RuleSpec;
import org.signsgd.train.InProcessEngine;
import org.signsgd.train.IterationRow;
import org.signsgd.train.TestJobs;

/**
 * A real HDFS (Hadoop's MiniDFSCluster: a name node and one data node on loopback, in this JVM) holding the
 * MNIST idx files and a small image folder: read through hdfs:// URIs they give the same labels, batches and
 * test rows as the local copies.
 */
class HdfsDataTest {
  @TempDir
  static Path dir;
  private static MiniDFSCluster cluster;
  private static String hdfs;
  private static Path folder;

  @BeforeAll
  static void startHdfs() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("hdfs").toString());
    // a file's close polls the name node for its last block: from 10 ms on, not 400 ms, with 1 s heartbeats
    conf.setInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 10);
    conf.setInt("dfs.heartbeat.interval", 1);
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
    FileSystem fs = cluster.getFileSystem();
    hdfs = fs.getUri().toString();
    String mnist = MnistFixture.dir().toString();
    for (String name : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte"}) {
      String local = ImageDataset.file(mnist, name);
      fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local),
          new org.apache.hadoop.fs.Path("/data/mnist/" + Path.of(local).getFileName()));
    }
    folder = dir.resolve("folder");
    TestImages.write(folder.resolve("train/cat/1.png"), TestImages.solid(20, 30, 200, 40, 10, "png"));
    TestImages.write(folder.resolve("train/cat/2.jpg"), TestImages.solid(30, 20, 10, 40, 200, "jpg"));
    TestImages.write(folder.resolve("train/dog/1.png"), TestImages.greyPng(TestImages.fill(12, 12, 77)));
    TestImages.write(folder.resolve("val/cat/1.png"), TestImages.solid(16, 16, 9, 99, 199, "png"));
    TestImages.write(folder.resolve("val/dog/1.jpg"), TestImages.cmykJpeg());
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(folder.toString()),
        new org.apache.hadoop.fs.Path("/data/folder"));
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  @Test
  void theIdxFilesReadFromHdfsAreTheLocalOnes() {
    ImageDataset remote = ImageDataset.load(hdfs + "/data/mnist");
    ImageDataset local = ImageDataset.load(MnistFixture.dir());
    assertThat(remote).isNotSameAs(local);
    assertThat(remote.trainLabels()).isEqualTo(local.trainLabels());
    assertThat(remote.testLabels()).isEqualTo(local.testLabels());
    for (int i : new int[] {0, 12_345, 59_999}) {
      assertThat(remote.rawImage(true, i)).isEqualTo(local.rawImage(true, i));
    }
    assertThat(remote.rawImage(false, 9_999)).isEqualTo(local.rawImage(false, 9_999));
    String none = hdfs + "/data/none";
    assertThatThrownBy(() -> Models.check(new RuleSpec("mlp", Map.of()), new RuleSpec("mnist", Map.of("dir", none)),
        1, 3)).hasMessage("mnist: the idx files are not in " + none + "; copy them there (datasets/fetch-mnist.sh "
            + "fetches them; then e.g. hdfs dfs -put), or set data.dir");
  }

  /**
   * The idx data as a network reads it ({@link ImageData}): the same training batches, augmented or not, and test
   * rows from hdfs:// as from the disk; and Models takes the URI as the job's data.dir, unchanged.
   */
  @Test
  void theBatchesFromHdfsAreTheLocalOnes() {
    ImageData remote = new ImageData("mnist", hdfs + "/data/mnist", false);
    ImageData local = new ImageData("mnist", MnistFixture.dir(), false);
    int[] idx = {7, 59_999, 0, 31_337};
    for (boolean augmented : new boolean[] {false, true}) {
      float[] xr = new float[idx.length * 784];
      float[] xl = new float[idx.length * 784];
      float[] yr = new float[idx.length * 10];
      float[] yl = new float[idx.length * 10];
      remote.train(idx, augmented ? SeedStreams.of(1, 2, 3, SeedStreams.Purpose.AUGMENT) : null, xr, yr);
      local.train(idx, augmented ? SeedStreams.of(1, 2, 3, SeedStreams.Purpose.AUGMENT) : null, xl, yl);
      assertThat(xr).isEqualTo(xl);
      assertThat(yr).isEqualTo(yl);
    }
    float[] tr = new float[50 * 784];
    float[] tl = new float[50 * 784];
    remote.test(9_950, 10_000, tr, new float[500]);
    local.test(9_950, 10_000, tl, new float[500]);
    assertThat(tr).isEqualTo(tl);
    assertThat(remote.trainClasses()).isEqualTo(local.trainClasses());
    Models.Settings used = Models.check(new RuleSpec("mlp", Map.of()), new RuleSpec("mnist",
        Map.of("dir", hdfs + "/data/mnist")), 1, 3);
    assertThat(used.data()).containsEntry("dir", hdfs + "/data/mnist");
  }

  /**
   * A short mlp run on the in-process engine: the same rows, timings aside, from hdfs:// as from the disk (the run
   * id hashes the settings, the directory among them, so it is the one column that differs).
   */
  @Test
  void anMlpTrainsTheSameFromHdfsAsFromTheLocalCopy() throws Exception {
    String job = """
        name: hdfs-mlp
        seed: 2
        model: {name: mlp}
        data: {name: mnist, dir: '%s'}
        workers: 3
        batch_size: 16
        iterations: 3
        eval_every: 3
        engine: inprocess
        """;
    JobSpec fromHdfs = TestJobs.one(dir, job.formatted(hdfs + "/data/mnist"));
    JobSpec fromDisk = TestJobs.one(dir, job.formatted(MnistFixture.dir()));
    List<IterationRow> remote = TestJobs.timeless(TestJobs.run(new InProcessEngine(), fromHdfs));
    List<IterationRow> local = TestJobs.timeless(TestJobs.run(new InProcessEngine(), fromDisk));
    assertThat(remote).hasSize(3);
    assertThat(remote.get(2).testAccuracy()).isNotNull();
    assertThat(remote.stream().map(r -> r.toString().replace(fromHdfs.runId(), fromDisk.runId())).toList())
        .isEqualTo(local.stream().map(IterationRow::toString).toList());
  }

  /** ResNet-18 on the image folder, in-process: the same rows from hdfs:// as from the disk (run id aside). */
  @Test
  void aResnetTrainsTheSameFromHdfsAsFromTheLocalFolder() throws Exception {
    String job = """
        name: hdfs-resnet
        seed: 4
        model: {name: resnet18}
        data: {name: image-folder, dir: '%s', image_size: 32}
        workers: 2
        batch_size: 2
        iterations: 2
        eval_every: 1
        aggregator: {name: majority-vote}
        lr: {schedule: constant, initial: 0.001}
        engine: inprocess
        """;
    JobSpec fromHdfs = TestJobs.one(dir, job.formatted(hdfs + "/data/folder"));
    JobSpec fromDisk = TestJobs.one(dir, job.formatted(folder));
    List<IterationRow> remote = TestJobs.timeless(TestJobs.run(new InProcessEngine(), fromHdfs));
    List<IterationRow> local = TestJobs.timeless(TestJobs.run(new InProcessEngine(), fromDisk));
    assertThat(remote).hasSize(2);
    assertThat(remote.get(1).testAccuracy()).isNotNull();
    assertThat(remote.get(0).dimension()).isEqualTo(11_177_538L); // ResNet-18's trainable count at 2 classes
    assertThat(remote.stream().map(r -> r.toString().replace(fromHdfs.runId(), fromDisk.runId())).toList())
        .isEqualTo(local.stream().map(IterationRow::toString).toList());
  }

  @Test
  void anImageFolderOnHdfsGivesTheRowsOfTheLocalOne() {
    ImageFolder remote = ImageFolder.list(hdfs + "/data/folder");
    ImageFolder local = ImageFolder.list(folder.toString());
    assertThat(remote.root()).isEqualTo(hdfs + "/data/folder");
    assertThat(remote.classes()).isEqualTo(local.classes()).containsExactly("cat", "dog");
    assertThat(remote.trainLabels()).isEqualTo(local.trainLabels()).containsExactly(0, 0, 1);
    assertThat(remote.valSize()).isEqualTo(2);
    assertThat(remote.trainPath(1)).isEqualTo(hdfs + "/data/folder/train/cat/2.jpg");
    ImageFolderData a = new ImageFolderData(remote, 16, true);
    ImageFolderData b = new ImageFolderData(local, 16, true);
    int[] idx = {2, 0, 1, 1, 0};
    float[] xa = new float[idx.length * a.inputs()];
    float[] xb = new float[idx.length * b.inputs()];
    float[] ya = new float[idx.length * 2];
    float[] yb = new float[idx.length * 2];
    a.train(idx, SeedStreams.of(3, 1, 0, SeedStreams.Purpose.AUGMENT), xa, ya);
    b.train(idx, SeedStreams.of(3, 1, 0, SeedStreams.Purpose.AUGMENT), xb, yb);
    assertThat(xa).isEqualTo(xb);
    assertThat(ya).isEqualTo(yb);
    float[] ta = new float[2 * a.inputs()];
    float[] tb = new float[2 * b.inputs()];
    a.test(0, 2, ta, new float[4]);
    b.test(0, 2, tb, new float[4]);
    assertThat(ta).isEqualTo(tb);
    assertThat(a.takeBadImages()).isZero();
  }
}
