package dev.longscan.examples;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkStageInfo;

/**
 * Progress lines on standard error, so that a command is never silent for long: one line as each
 * step starts ("longscan spark: [  4.2 s] scanning ..."), and while a step runs longer than
 * {@link #HEARTBEAT_S} seconds, a line every as many seconds with the running Spark stages' tasks.
 * Standard output keeps only the results.
 */
final class Progress implements AutoCloseable {
  static final int HEARTBEAT_S = 5;

  private final PrintWriter err;
  private final String prefix;
  private final long start = System.nanoTime();
  private final ScheduledExecutorService timer;
  private volatile String step;
  private volatile long stepStart;
  private volatile SparkContext spark;

  Progress(PrintWriter err, String command) {
    this.err = err;
    this.prefix = "longscan " + command + ": ";
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "longscan-progress");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(this::heartbeat, HEARTBEAT_S, HEARTBEAT_S, TimeUnit.SECONDS);
  }

  /** Reports the Spark stages of {@code sc} in the heartbeat lines. */
  void watch(SparkContext sc) {
    this.spark = sc;
  }

  /** Starts a step: prints it at once. */
  void step(String what) {
    step = what;
    stepStart = System.nanoTime();
    print(what + " ...");
  }

  /** Ends the current step (the heartbeat stops reporting it). */
  void done() {
    step = null;
  }

  private void print(String line) {
    err.println(prefix + String.format(Locale.ROOT, "[%6.1f s] ", (System.nanoTime() - start)
        / 1e9) + line);
    err.flush();
  }

  private void heartbeat() {
    String s = step;
    if (s == null || System.nanoTime() - stepStart < HEARTBEAT_S * 1_000_000_000L) {
      return;
    }
    StringBuilder line = new StringBuilder("still ").append(s).append(String.format(Locale.ROOT,
        " (%.0f s)", (System.nanoTime() - stepStart) / 1e9));
    SparkContext sc = spark;
    if (sc != null && !sc.isStopped()) {
      try {
        for (int id : sc.statusTracker().getActiveStageIds()) {
          scala.Option<SparkStageInfo> o = sc.statusTracker().getStageInfo(id);
          if (o.isDefined()) {
            SparkStageInfo i = o.get();
            line.append(String.format(Locale.ROOT, "; Spark stage %d: %d of %d tasks done, %d"
                + " running", id, i.numCompletedTasks(), i.numTasks(), i.numActiveTasks()));
          }
        }
      } catch (RuntimeException e) {
        // the context is stopping: report the step alone
      }
    }
    print(line.toString());
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
