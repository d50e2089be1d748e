package dev.longscan.examples;

import java.time.Duration;
import java.util.Locale;

/** Small helpers the commands share: verification outcome, formatting. */
final class Checks {
  private Checks() {}

  /** A verification that did not pass: the command exits with status 3. */
  static final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failed(String message) {
      super(message);
    }
  }

  /**
   * Largest |x − y| / (1 + |y|) over the pairs; a pair that agrees exactly — both NaN, or the same
   * infinity — counts 0, and a pair where only one is NaN or infinite counts +∞.
   */
  static double maxRelError(double[] got, double[] expected) {
    if (got.length != expected.length) {
      throw new IllegalArgumentException("expected as many results as reference values, found "
          + got.length + " and " + expected.length);
    }
    double worst = 0;
    for (int i = 0; i < got.length; i++) {
      double x = got[i];
      double y = expected[i];
      if (x == y || Double.isNaN(x) && Double.isNaN(y)) {
        continue;
      }
      double e = Math.abs(x - y) / (1 + Math.abs(y));
      if (!(e <= worst)) {
        worst = Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
      }
    }
    return worst;
  }

  /**
   * A time option in seconds (a half-life): a number of at least one nanosecond that fits a
   * {@link Duration}; a message with the user's own text otherwise.
   */
  static Duration seconds(String option, String text) {
    double s;
    try {
      s = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new UserError("expected " + option + " in seconds (a number such as 60 or 0.25),"
          + " found '" + text + "'");
    }
    if (!(s >= 1e-9 && s * 1e9 < Long.MAX_VALUE)) {
      throw new UserError("expected " + option + " of at least 1e-9 seconds (one nanosecond) and"
          + " at most 9.2e9 seconds, found '" + text + "'");
    }
    return Duration.ofNanos(Math.round(s * 1e9));
  }

  /** {@code value >= min} for an integer option, else a message naming it and the value. */
  static void atLeast(String option, long value, long min, String meaning) {
    if (value < min) {
      throw new UserError("expected " + option + " >= " + min + (meaning.isEmpty() ? "" : " ("
          + meaning + ")") + ", found " + value);
    }
  }

  static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%8.3f s", nanos / 1e9);
  }

  static String rate(double count, long nanos, String unit) {
    double perSecond = count / (nanos / 1e9);
    String[] prefixes = {"", "k", "M", "G", "T"};
    int p = 0;
    while (perSecond >= 1000 && p < prefixes.length - 1) {
      perSecond /= 1000;
      p++;
    }
    return String.format(Locale.ROOT, "%.3g %s%s/s", perSecond, prefixes[p], unit);
  }

  static String percent(long part, long whole) {
    return String.format(Locale.ROOT, "%5.1f %%", 100.0 * part / whole);
  }
}
