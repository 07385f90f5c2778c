package org.signsgd.train;

import java.util.Locale;

/** How a run ended, as {@code runs.status} stores it (lower case). */
public enum RunStatus {
  /** Every iteration ran. */
  COMPLETED,
  /** Every iteration ran, continued from a resume point after an interruption or a crash. */
  RESUMED,
  /** The loss became non-finite; the rows stop at the last finite iteration. */
  DIVERGED,
  /** An error ended it (the record's {@code error} says which); running it again starts it over. */
  FAILED,
  /** SIGINT or SIGTERM stopped it at an iteration boundary, its rows written; resumable from its last point. */
  INTERRUPTED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A run that ended this way is done: train and sweep skip it (unless told --force). */
  public boolean finished() {
    return this == COMPLETED || this == RESUMED || this == DIVERGED;
  }

  /** The status a {@code runs.status} value names; null for null or a value this version does not know. */
  public static RunStatus of(String label) {
    for (RunStatus s : values()) {
      if (s.label().equals(label)) {
        return s;
      }
    }
    return null;
  }
}
