package org.signsgd.job;

import java.io.Serializable;

/**
 * The minibatch size: a constant, or "t", a batch that grows with the iteration (Mengoli et al. 2025, App. B,
 * Table 2): max(t, 1), since a batch of t would be empty at t = 0.
 */
public record BatchSize(int fixed, boolean growing) implements Serializable {
  public int at(long iteration) {
    return growing ? (int) Math.max(iteration, 1) : fixed;
  }

  public String label() {
    return growing ? "t" : Integer.toString(fixed);
  }
}
