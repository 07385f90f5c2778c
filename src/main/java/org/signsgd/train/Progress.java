package org.signsgd.train;

import java.io.PrintWriter;

/**
 * One progress line per run on stderr: run k/n, iteration/total, loss, ETA; redrawn in place on a terminal,
 * written once at the end of the run otherwise (logs, CI).
 */
final class Progress {
  private final PrintWriter err;
  private final String label;
  private final long total;
  private final long start = System.nanoTime();
  private final boolean interactive = System.console() != null;
  private long lastDraw;
  private long done;
  private double loss = Double.NaN;

  Progress(PrintWriter err, String label, long total) {
    this.err = err;
    this.label = label;
    this.total = total;
  }

  void update(long done, double loss) {
    this.done = done;
    this.loss = loss;
    long now = System.nanoTime();
    if (!interactive || (done < total && now - lastDraw < 200_000_000L)) {
      return;
    }
    lastDraw = now;
    double elapsed = (now - start) / 1e9;
    double eta = done == 0 ? 0 : elapsed / done * (total - done);
    err.printf("\r%s  iteration %d/%d  loss %.4g  elapsed %.1fs  ETA %.1fs   ", label, done, total, loss, elapsed,
        eta);
    err.flush();
  }

  /** Ends the line; without a terminal this is the run's only line. */
  void finish(String status) {
    if (!interactive) {
      err.printf("%s  iteration %d/%d  loss %.4g", label, done, total, loss);
    }
    err.printf("  %s in %.1fs%n", status, (System.nanoTime() - start) / 1e9);
    err.flush();
  }
}
