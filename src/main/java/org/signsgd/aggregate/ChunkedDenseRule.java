package org.signsgd.aggregate;

/**
 * A dense rule written as a {@link ChunkedRule}: on whole vectors it is its own passes on one chunk, and the server
 * may run it chunk by chunk, sharded too.
 */
abstract class ChunkedDenseRule extends DenseRule implements ChunkedRule {
  @Override
  public final double[] combine(double[][] x, int f) {
    return ChunkedRule.whole(this, x, f);
  }

  @Override
  public boolean shardable() {
    return true;
  }

  @Override
  public ChunkedRule chunked() {
    return this;
  }
}
