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

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof dev.longscan.LongscanException || ex instanceof Checks.Failed) {
        cmd.getErr().println(cmd.getColorScheme().errorText("error: " + ex.getMessage()));
        return ex instanceof Checks.Failed ? 3 : 2;
      }
      throw ex;
    });
    return cl;
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
