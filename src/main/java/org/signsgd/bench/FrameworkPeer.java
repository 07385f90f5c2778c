package org.signsgd.bench;

import java.util.List;

/**
 * Another framework that computes the same minibatch gradients as this project's DL4J path, for bench section k:
 * PyTorch's C++ runtime through DJL, in {@code src/peer/java}, compiled only with the Maven profile
 * {@code pytorch-peer} (its natives are about 110 MB, never on a job's classpath). The bench loads it by name
 * ({@link #IMPLEMENTATION}) and says how to enable it when it is absent.
 */
public interface FrameworkPeer extends AutoCloseable {
  /** The class that implements this interface in the {@code pytorch-peer} profile. */
  String IMPLEMENTATION = "org.signsgd.bench.peer.TorchPeer";

  /** What to do when the peer is not on the classpath, in one line. */
  String HOW_TO_ENABLE = "section k needs the PyTorch peer, compiled only with the Maven profile pytorch-peer: run"
      + " SIGNSGD_MAVEN_PROFILES=pytorch-peer submit/local.sh bench --only k (the first build downloads about"
      + " 110 MB)";

  /** The framework, its version, threads and the convolution back end it was built with, in one line. */
  String describe();

  /**
   * The network {@code name} (mengoli-cnn, resnet18, resnet50), built like this project's, on one batch held by
   * the peer: {@code images} are {@code batch} rows of channels·side·side values (CHW), {@code labels} their
   * classes.
   */
  Network network(String name, int classes, int channels, int side, float[] images, int[] labels);

  /** A network with its batch. */
  interface Network extends AutoCloseable {
    /** The number of trainable parameters (batch-norm running statistics are not trainable). */
    long parameters();

    /** The shapes of the trainable parameters, in the framework's order. */
    List<long[]> parameterShapes();

    /** The output's shape on the batch (batch × classes). */
    long[] outputShape();

    /** One forward and backward pass of the mean cross-entropy on the batch, training mode; the loss. */
    double gradient();

    /** The L2 norm of the gradient the last {@link #gradient()} computed, over all trainable parameters. */
    double gradientNorm();

    /** Replaces the trainable parameters, in {@link #parameterShapes()}'s order, each in c-order. */
    void setParameters(List<float[]> values);

    /** The mean cross-entropy on the batch in inference mode (no dropout, batch norm's running statistics). */
    double inferenceLoss();

    @Override
    void close();
  }

  @Override
  void close();
}
