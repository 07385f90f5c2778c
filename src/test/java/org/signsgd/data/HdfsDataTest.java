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
 * training rows as the local copies.
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
    ImageFolderWriter.write(ImageDataset.load(MnistFixture.dir()), folder, "png", 2, 1);
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

  /** A short mlp run on the in-process engine: the same rows, timings aside, from hdfs:// as from the disk. */
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
    assertThat(fromHdfs.data().params().get("dir")).isEqualTo(hdfs + "/data/mnist");
    List<IterationRow> remote = TestJobs.timeless(TestJobs.run(new InProcessEngine(), fromHdfs));
    List<IterationRow> local = TestJobs.timeless(TestJobs.run(new InProcessEngine(), fromDisk));
    assertThat(remote).hasSize(3).isEqualTo(local);
    assertThat(remote.get(2).testAccuracy()).isNotNull();
  }

  @Test
  void anImageFolderOnHdfsGivesTheRowsOfTheLocalOne() {
    ImageFolder remote = ImageFolder.list(hdfs + "/data/folder");
    ImageFolder local = ImageFolder.list(folder.toString());
    assertThat(remote.root()).isEqualTo(hdfs + "/data/folder");
    assertThat(remote.classes()).isEqualTo(local.classes()).hasSize(10);
    assertThat(remote.trainLabels()).isEqualTo(local.trainLabels()).hasSize(20);
    assertThat(remote.valSize()).isEqualTo(10);
    assertThat(remote.trainPath(3).substring(remote.root().length()))
        .isEqualTo(local.trainPath(3).substring(local.root().length()));
    ImageFolderData a = new ImageFolderData(remote, 16, true);
    ImageFolderData b = new ImageFolderData(local, 16, true);
    int[] idx = {19, 0, 7, 7, 12};
    float[] xa = new float[idx.length * a.inputs()];
    float[] xb = new float[idx.length * b.inputs()];
    float[] ya = new float[idx.length * 10];
    float[] yb = new float[idx.length * 10];
    a.train(idx, SeedStreams.of(3, 1, 0, SeedStreams.Purpose.AUGMENT), xa, ya);
    b.train(idx, SeedStreams.of(3, 1, 0, SeedStreams.Purpose.AUGMENT), xb, yb);
    assertThat(xa).isEqualTo(xb);
    assertThat(ya).isEqualTo(yb);
    float[] ta = new float[10 * a.inputs()];
    float[] tb = new float[10 * b.inputs()];
    a.test(0, 10, ta, new float[100]);
    b.test(0, 10, tb, new float[100]);
    assertThat(ta).isEqualTo(tb);
    assertThat(a.takeBadImages()).isZero();
  }
}
