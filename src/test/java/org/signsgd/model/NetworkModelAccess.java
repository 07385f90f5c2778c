package org.signsgd.model;

/** Test access to {@link NetworkModel}'s package-private helpers. */
public final class NetworkModelAccess {
  private NetworkModelAccess() {}

  public static void flip(float[] y, int classes) {
    NetworkModel.flip(y, classes);
  }
}
