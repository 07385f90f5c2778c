package org.signsgd.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.signsgd.data.ImageData;
import org.signsgd.model.Networks;

/**
 * Samples per second of what a user would otherwise run on the same cores, same network and batch size:
 * DL4J's own Spark training ({@code dl4j-spark} 1.0.0-M2, {@link SparkDl4jMultiLayer} with
 * {@link ParameterAveragingTrainingMaster}: each partition fits its minibatches and the driver averages the
 * parameters every {@code averagingFrequency} minibatches) and plain {@link MultiLayerNetwork#fit} in this JVM.
 * dl4j-spark is a provided dependency: this class runs only where the bench's classpath has it.
 */
final class Dl4jComparison {
  private final List<DataSet> batches;
  private final int batch;

  /** {@code count} MNIST training minibatches of {@code batch} images, in file order. */
  Dl4jComparison(Path mnist, int batch, int count) {
    this.batch = batch;
    ImageData data = new ImageData("mnist", mnist);
    batches = new ArrayList<>();
    for (int b = 0; b < count; b++) {
      int[] idx = new int[batch];
      for (int i = 0; i < batch; i++) {
        idx[i] = b * batch + i;
      }
      float[] x = new float[batch * data.inputs()];
      float[] y = new float[batch * data.outputs()];
      data.train(idx, null, x, y);
      batches.add(new DataSet(Nd4j.create(x, new long[] {batch, data.inputs()}, 'c'),
          Nd4j.create(y, new long[] {batch, data.outputs()}, 'c')));
    }
  }

  static boolean available() {
    try {
      Class.forName("org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer");
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * Plain {@code fit}, one minibatch at a time, after one warm-up minibatch, with ND4J and OpenBLAS allowed
   * {@code threads} threads (the launcher pins them to 1 for the tasks; a single JVM would use every core).
   */
  double plainFit(String network, boolean gemmConv, int threads) {
    int ompBefore = Nd4j.getEnvironment().maxThreads();
    int blasBefore = Nd4j.factory().blas().getMaxThreads();
    Nd4j.getEnvironment().setMaxThreads(threads);
    Nd4j.factory().blas().setMaxThreads(threads);
    try {
      MultiLayerNetwork net = new MultiLayerNetwork(Networks.config(network, 1, DataType.FLOAT, gemmConv));
      net.init();
      net.fit(batches.get(0));
      long t0 = System.nanoTime();
      for (DataSet d : batches) {
        net.fit(d);
      }
      return samplesPerSecond(batches.size() * batch, t0);
    } finally {
      Nd4j.getEnvironment().setMaxThreads(ompBefore);
      Nd4j.factory().blas().setMaxThreads(blasBefore);
    }
  }

  /** One epoch of {@link SparkDl4jMultiLayer#fit} over the minibatches, after a warm-up epoch. */
  double sparkAveraging(JavaSparkContext jsc, String network, boolean gemmConv, int averagingFrequency) {
    MultiLayerConfiguration conf = Networks.config(network, 1, DataType.FLOAT, gemmConv);
    ParameterAveragingTrainingMaster tm = new ParameterAveragingTrainingMaster.Builder(batch)
        .batchSizePerWorker(batch).averagingFrequency(averagingFrequency).workerPrefetchNumBatches(0)
        .collectTrainingStats(false).build();
    SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(jsc, conf, tm);
    JavaRDD<DataSet> rdd = jsc.parallelize(batches, jsc.defaultParallelism()).cache();
    rdd.count();
    spark.fit(rdd);
    long t0 = System.nanoTime();
    spark.fit(rdd);
    double rate = samplesPerSecond(batches.size() * batch, t0);
    rdd.unpersist(false);
    return rate;
  }

  private static double samplesPerSecond(long samples, long t0) {
    return samples / ((System.nanoTime() - t0) / 1e9);
  }
}
