package dev.longscan;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The core's public entry points (Backends, Sequence, ScanOptions, Filters) walked through a
 * table of bad inputs: each gets its exception type and a message that names what was wrong
 * and where (the argument, the step, the channel).
 */
class CoreApiBadInputTest {
  private record Case(String what, Class<? extends LongscanException> type, Executable call,
      String... names) {}

  private static double[] increasing(int n) {
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = 10 + 3 * i;
    }
    return t;
  }

  @Test
  void everyBadInputIsRejectedWithWhatAndWhere() {
    Filters f = Filters.using(Backends.sequential());
    // small blocks: a fault past the first block is still named at its step in the caller's series
    Filters blocked = f.withBlockElements(4);
    Sequence x = Sequence.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
    double[] late = increasing(11);
    late[9] = late[8];
    double[] nanTime = increasing(11);
    nanTime[6] = Double.NaN;
    double[] poisoned = {1, 2, 3, 4, 5, 6, 7, 8, Double.NaN, 10, 11};
    Sequence a = Sequence.allocate(Precision.FLOAT64, 7, 3);
    Sequence bPoisoned = Sequence.allocate(Precision.FLOAT64, 7, 3);
    bPoisoned.set(5, 2, Double.POSITIVE_INFINITY);
    ScanOptions reject = ScanOptions.defaults().withNonFinite(NonFinitePolicy.REJECT);
    List<Case> table = List.of(
        new Case("unknown backend", ParameterException.class, () -> Backends.select("tpu"),
            "expected a backend name among", "'tpu'"),
        new Case("bad device ordinal", ParameterException.class,
            () -> Backends.select("gpu:first"), "device ordinal", "'first'"),
        new Case("null backend name", ShapeException.class, () -> Backends.select(null),
            "backend name"),
        new Case("negative steps", ShapeException.class,
            () -> Sequence.allocate(Precision.FLOAT64, -1, 1), "steps >= 0", "-1"),
        new Case("zero width", ShapeException.class,
            () -> Sequence.allocate(Precision.FLOAT32, 5, 0), "width >= 1", "0"),
        new Case("more than one array", ShapeException.class,
            () -> Sequence.allocate(Precision.FLOAT64, Integer.MAX_VALUE / 2, 3), "one Java array",
            "split the series"),
        new Case("length not a multiple of width", ShapeException.class,
            () -> Sequence.of(new double[5], 2), "multiple of width 2", "length 5"),
        new Case("slice out of range", ShapeException.class, () -> x.slice(4, 12),
            "to <= 11", "to=12"),
        new Case("segment offset past the flags", ShapeException.class,
            () -> ScanOptions.defaults().withSegmentStarts(new boolean[3], 4), "segment offset",
            "found 4"),
        new Case("h0 of the wrong width", ShapeException.class,
            () -> Backends.cpu().scan(a, a.allocateLike(),
                ScanOptions.defaults().withInitialState(new double[2])), "h0 of width 3",
            "length 2"),
        new Case("non-finite b under REJECT", NonFiniteException.class,
            () -> Backends.cpu().scan(a, bPoisoned, reject), "'b'", "step 5", "channel 2"),
        new Case("null backend", ShapeException.class, () -> Filters.using(null), "backend"),
        new Case("null policy", ShapeException.class, () -> f.withNonFinite(null),
            "nonFinite policy"),
        new Case("alpha 0", ParameterException.class, () -> f.ema(new double[3], 0.0),
            "alpha in (0, 1]", "0.0"),
        new Case("alpha NaN", ParameterException.class,
            () -> f.emaAdjusted(x, Double.NaN, null), "alpha in (0, 1]", "NaN"),
        new Case("null series", ShapeException.class, () -> f.cumsum((double[]) null), "x"),
        new Case("segment flags of the wrong length", ShapeException.class,
            () -> f.iir(x, 1, 0.5, new boolean[10]), "11 segment flags", "found 10"),
        new Case("infinite IIR gain", ParameterException.class,
            () -> f.iir(x, Double.POSITIVE_INFINITY, 0.5, null), "finite c", "Infinity"),
        new Case("negative half-life", ParameterException.class,
            () -> f.emaIrregular(x, increasing(11), -2.0, null), "halfLife > 0", "-2.0"),
        new Case("time stamps of the wrong length", ShapeException.class,
            () -> f.emaIrregular(x, increasing(10), 2.0, null), "11 time stamps", "found 10"),
        new Case("repeated time stamp past the first block", OrderException.class,
            () -> blocked.emaIrregular(x, late, 2.0, null), "at step 8 then", "at step 9",
            "(duplicate)"),
        new Case("NaN time stamp past the first block", NonFiniteException.class,
            () -> blocked.emaAdjustedIrregular(x, nanTime, 2.0, null), "finite time stamps",
            "at step 6"),
        new Case("NaN input under REJECT", NonFiniteException.class,
            () -> blocked.withNonFinite(NonFinitePolicy.REJECT).ema(Sequence.of(poisoned), 0.5,
                null), "'x'", "step 8"),
        new Case("discounts of another shape", ShapeException.class,
            () -> f.discountedSum(new double[4], new double[3]), "gamma", "found 3"));
    for (Case c : table) {
      LongscanException e = assertThrows(c.type(), c.call(), c.what());
      for (String n : c.names()) {
        assertTrue(e.getMessage().contains(n), c.what() + ": message '" + e.getMessage()
            + "' lacks '" + n + "'");
      }
    }
  }

  /** A call whose result does not fit says how many bytes it needs and how many the JVM has. */
  @Test
  void aCallThatCannotFitSaysWhatItNeeds() {
    String m = Filters.needs("ema", Precision.FLOAT64, 300_000_000, 1, 1, Filters.BLOCK_ELEMENTS);
    // result 300,000,000 × 8 bytes, and a and b of one block of 2^22 values
    long result = 2_400_000_000L;
    long working = 2L * Filters.BLOCK_ELEMENTS * 8;
    assertTrue(m.contains(String.format(java.util.Locale.ROOT, "needs %,d bytes", result
        + working)), m);
    assertTrue(m.contains("Filters.ema of 300,000,000 steps × 1 channels in FLOAT64"), m);
    assertTrue(m.contains(String.format(java.util.Locale.ROOT, "at most %,d bytes",
        Runtime.getRuntime().maxMemory())), m);
  }
}
