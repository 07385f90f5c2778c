package org.signsgd.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code signsgd train | sweep | analyze | bench}: exit 0 success, 2 bad input (one line on stderr), 1 a run that failed. */
@Command(name = "signsgd", mixinStandardHelpOptions = true, version = "signsgd-spark 0.1.0",
    description = "signSGD with majority vote, Byzantine attacks and robust aggregators on Apache Spark.",
    subcommands = {TrainCommand.class, SweepCommand.class, AnalyzeCommand.class, PlotCommand.class, BoundCommand.class, BenchCommand.class, ListCommand.class, CommandLine.HelpCommand.class})
public final class Main {
  public static void main(String[] args) {
    int code = commandLine().execute(args);
    // In YARN cluster mode the driver runs inside the application master, which reports success only when main
    // returns: a System.exit, even exit(0), ends the application as FAILED ("Shutdown hook called before final
    // status was reported"). The application master sets spark.yarn.app.id for its driver, and only it does.
    if (code == 0 && System.getProperty("spark.yarn.app.id") != null) {
      return;
    }
    System.exit(code);
  }

  public static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new Main());
    cmd.setExecutionExceptionHandler((e, c, parsed) -> {
      if (e instanceof org.signsgd.job.JobException || e instanceof IllegalArgumentException) {
        c.getErr().println("error: " + org.signsgd.spec.Echo.firstLine(e.getMessage()));
        return 2;
      }
      if (System.getenv("SIGNSGD_DEBUG") != null) {
        e.printStackTrace(c.getErr());
      }
      if (e instanceof org.signsgd.train.DeviceBinding.DeviceError) { // its line names the executor and the fix
        c.getErr().println("run failed: " + org.signsgd.spec.Echo.firstLine(e.getMessage()));
        return 1;
      }
      // one line: a Spark task's failure carries the executor's stack trace after its first line
      c.getErr().println("run failed: " + e.getClass().getName() + ": "
          + org.signsgd.spec.Echo.firstLine(e.getMessage()) + (System.getenv("SIGNSGD_DEBUG") == null
          ? " (set SIGNSGD_DEBUG=1 for the stack trace)" : ""));
      return 1;
    });
    return cmd;
  }
}
