package dev.longscan.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command-line entry point ({@code bin/longscan}). Every command has {@code --help}.
 */
@Command(name = "longscan", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = {
        "Parallel linear recurrences h_t = a_t * h_(t-1) + b_t over very long series: on all"
            + " cores, on a GPU, across a Spark cluster.",
        "",
        "The main job is 'spark': a per-key EMA over generated ticks in embedded Spark, checked"
            + " against the sequential reference."},
    subcommands = {
        SparkJobCommand.class,
        ScanCommand.class,
        TickEmaJob.class,
        LongSeriesJob.class,
        TrainCommand.class,
        EvaluateCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line with its one place where failures become exit codes: a verification that
   * did not pass exits with 3; a user's mistake found anywhere in what a command threw (see
   * {@link UserError#explain}: a bad option or setting, a missing or unusable file, not enough
   * memory) prints one line, "error: …", and exits with 2; anything else is a defect and shows
   * its stack trace (exit 1).
   */
  static CommandLine commandLine() {
    return configure(new CommandLine(new Main()));
  }

  /** Gives {@code cl} (this command line, or a job's own for spark-submit) that one place. */
  static CommandLine configure(CommandLine cl) {
    CommandLine.IExecutionStrategy run = new CommandLine.RunLast();
    // an Error escapes picocli's handler: report a lack of memory the same way
    cl.setExecutionStrategy(parsed -> {
      try {
        return run.execute(parsed);
      } catch (OutOfMemoryError e) {
        CommandLine last = parsed.asCommandLineList().get(parsed.asCommandLineList().size() - 1);
        throw new CommandLine.ExecutionException(last, "out of memory",
            new UserError(UserError.explain(e), e));
      }
    });
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof Checks.Failed) {
        cmd.getErr().println(cmd.getColorScheme().errorText("error: " + ex.getMessage()));
        return 3;
      }
      String why = UserError.explain(ex);
      if (why == null) {
        throw ex;
      }
      cmd.getErr().println(cmd.getColorScheme().errorText("error: " + firstLine(why)));
      return 2;
    });
    return cl;
  }

  /** Spark's messages sometimes carry a plan or a stack trace after the first line. */
  private static String firstLine(String s) {
    if (s == null) {
      return "(no message)";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl).trim();
  }

  /** The version from the jar's manifest (or "development" when run from classes). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"longscan " + (v != null ? v : "0.1.0-SNAPSHOT (development)")};
    }
  }
}
