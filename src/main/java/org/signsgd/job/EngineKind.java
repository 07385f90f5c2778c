package org.signsgd.job;

import java.util.Locale;

/**
 * The job's {@code engine}: {@code spark} (the partitions are the workers: large models, one run over the
 * cluster) or {@code inprocess} (the same steps in one loop: small models, grids, tests); both give the same rows.
 */
public enum EngineKind {
  SPARK, INPROCESS;

  /** The name a job file uses. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static EngineKind of(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
