package dev.longscan.examples;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The live progress of {@code longscan train} on standard error: on a terminal a bar redrawn in
 * place (carriage return) a few times a second; otherwise one line every {@code everySeconds}
 * seconds. Each shows iterations done and the budget, iterations per second, the minibatch's loss
 * and accuracy, and the time left (by the iteration budget or the time budget, whichever ends
 * first).
 */
final class TrainProgress {
  private static final int BAR = 24;

  private final PrintWriter err;
  private final boolean terminal;
  private final long everyNanos;
  private final long maxIterations;
  private final double timeBudgetSeconds;
  private final long firstIteration;
  private final long start = System.nanoTime();
  private long lastPrint;
  private boolean drawn;

  TrainProgress(PrintWriter err, boolean terminal, double everySeconds, long firstIteration,
      long maxIterations, double timeBudgetSeconds) {
    this.err = err;
    this.terminal = terminal;
    this.everyNanos = terminal ? 200_000_000L : (long) (everySeconds * 1e9);
    this.firstIteration = firstIteration;
    this.maxIterations = maxIterations;
    this.timeBudgetSeconds = timeBudgetSeconds;
    this.lastPrint = start;
  }

  /** After iteration {@code it}; prints when the interval has passed. */
  void update(long it, double loss, double accuracy) {
    long now = System.nanoTime();
    if (now - lastPrint < everyNanos) {
      return;
    }
    lastPrint = now;
    print(it, loss, accuracy, now);
  }

  /** The final state, always printed (ends the bar's line on a terminal). */
  void finish(long it, double loss, double accuracy) {
    print(it, loss, accuracy, System.nanoTime());
    if (terminal && drawn) {
      err.println();
      err.flush();
    }
  }

  /** Ends a drawn bar's line, so that an error message starts on a line of its own. */
  void abort() {
    if (terminal && drawn) {
      err.println();
      err.flush();
      drawn = false;
    }
  }

  private void print(long it, double loss, double accuracy, long now) {
    String s = line(it, loss, accuracy, (now - start) / 1e9);
    if (terminal) {
      err.print("\r" + s + "   ");
      drawn = true;
    } else {
      err.println("longscan train: " + s);
    }
    err.flush();
  }

  String line(long it, double loss, double accuracy, double seconds) {
    double rate = seconds > 0 ? (it - firstIteration) / seconds : 0;
    double eta = rate > 0 ? (maxIterations - it) / rate : Double.POSITIVE_INFINITY;
    if (timeBudgetSeconds > 0) {
      eta = Math.min(eta, Math.max(0, timeBudgetSeconds - seconds));
    }
    StringBuilder b = new StringBuilder();
    if (terminal) {
      int fill = (int) Math.min(BAR, BAR * it / Math.max(1, maxIterations));
      b.append('[').append("#".repeat(fill)).append(".".repeat(BAR - fill)).append("] ");
    }
    b.append(String.format(Locale.ROOT, "iteration %d/%d, %.2f it/s, loss %.4g", it,
        maxIterations, rate, loss));
    if (!Double.isNaN(accuracy)) {
      b.append(String.format(Locale.ROOT, ", accuracy %.1f %%", 100 * accuracy));
    }
    b.append(", ETA ").append(Double.isInfinite(eta) ? "?" : duration(eta));
    return b.toString();
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", s / 3600, s / 60 % 60);
  }
}
