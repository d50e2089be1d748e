package dev.longscan.examples;

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

  /** Largest |x − y| / (1 + |y|) over the pairs. */
  static double maxRelError(double[] got, double[] expected) {
    double worst = 0;
    for (int i = 0; i < got.length; i++) {
      double e = Math.abs(got[i] - expected[i]) / (1 + Math.abs(expected[i]));
      if (!(e <= worst)) {
        worst = Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
      }
    }
    return worst;
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
