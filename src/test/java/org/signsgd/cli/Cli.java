package org.signsgd.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs a command as {@code main} would, in this JVM, capturing its exit code, stdout and stderr. */
public final class Cli {
  /** What a command did. */
  public record Result(int code, String out, String err) {
    /** {code, out, err} as strings, for the tests that index them. */
    public String[] asArray() {
      return new String[] {Integer.toString(code), out, err};
    }
  }

  private Cli() {}

  public static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    int code = cmd.execute(args);
    return new Result(code, out.toString(), err.toString());
  }
}
