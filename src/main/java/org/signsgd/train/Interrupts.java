package org.signsgd.train;

import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT (Ctrl-C) and SIGTERM as a request to stop: the engines end the run at the next iteration boundary,
 * with status {@code interrupted}, and the command writes the rows and the run's record before it exits. A
 * second signal ends the process at once (exit 128 + the signal's number), as a user pressing Ctrl-C twice
 * expects. The flag is per JVM: on a local master the in-process runs of a sweep, which run in this JVM's
 * tasks, see it too.
 */
public final class Interrupts {
  private static volatile Signal received;
  private static final List<Signal> INSTALLED = new ArrayList<>();
  private static final List<SignalHandler> PREVIOUS = new ArrayList<>();

  private Interrupts() {}

  /** Whether a stop was asked for since {@link #install}. */
  public static boolean requested() {
    return received != null;
  }

  /** The exit code of a command that stopped on the signal: 130 for SIGINT, 143 for SIGTERM. */
  public static int exitCode() {
    return received == null ? 0 : 128 + received.getNumber();
  }

  /** The signal's name (INT, TERM), or null. */
  public static String signal() {
    return received == null ? null : received.getName();
  }

  /** Catches SIGINT and SIGTERM until {@link #uninstall}; clears an earlier request. Installing twice is once. */
  public static synchronized void install() {
    received = null;
    if (!INSTALLED.isEmpty()) {
      return;
    }
    for (String name : List.of("INT", "TERM")) {
      Signal s = new Signal(name);
      try {
        PREVIOUS.add(Signal.handle(s, Interrupts::on));
        INSTALLED.add(s);
      } catch (IllegalArgumentException e) {
        // the JVM reserves this signal here (e.g. run with -Xrs): stopping then works as before
      }
    }
  }

  /** Gives the signals back to the handlers they had before {@link #install}. */
  public static synchronized void uninstall() {
    for (int i = 0; i < INSTALLED.size(); i++) {
      Signal.handle(INSTALLED.get(i), PREVIOUS.get(i));
    }
    INSTALLED.clear();
    PREVIOUS.clear();
  }

  /** A stop request without a signal (tests): the same path as SIGINT. */
  public static void request() {
    received = new Signal("INT");
  }

  /** Forgets a request (tests). */
  public static void clear() {
    received = null;
  }

  private static void on(Signal s) {
    if (received != null) {
      Runtime.getRuntime().halt(128 + s.getNumber());
    }
    received = s;
  }
}
