package org.signsgd.train;

import java.io.PrintWriter;

/**
 * One progress line per run on stderr: run k/n, iteration/total, loss, ETA; redrawn in place on a terminal;
 * otherwise (logs, CI) a new line every 30 s of a long run, and one at the end.
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
    long since = now - (lastDraw == 0 ? start : lastDraw);
    boolean last = done >= total;
    // a terminal: redraw at most every 0.2 s, and at the end; a log: a line every 30 s (finish writes the last)
    if (interactive ? !last && since < 200_000_000L : last || since < 30_000_000_000L) {
      return;
    }
    lastDraw = now;
    double elapsed = (now - start) / 1e9;
    double eta = done == 0 ? 0 : elapsed / done * (total - done);
    err.printf("%s%s  iteration %d/%d  loss %.4g  elapsed %.1fs  ETA %.1fs   %s", interactive ? "\r" : "", label,
        done, total, loss, elapsed, eta, interactive ? "" : "\n");
    err.flush();
  }

  /** Ends the line; without a terminal this is the run's last line. */
  void finish(String status) {
    if (!interactive) {
      err.printf("%s  iteration %d/%d  loss %.4g", label, done, total, loss);
    }
    err.printf("  %s in %.1fs%n", status, (System.nanoTime() - start) / 1e9);
    err.flush();
  }
}
