package org.signsgd.job;

/** Bad input in a job: one line that names the file, the key, what is wrong and what is allowed. */
public final class JobException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JobException(String file, String key, String problem) {
    super(file + ": " + (key == null || key.isEmpty() ? "" : key + ": ") + problem);
  }
}
