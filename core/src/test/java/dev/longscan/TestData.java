package dev.longscan;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;

/** Seeded random inputs and tolerance checks shared by the backend tests (also via the test-jar). */
public final class TestData {
  private TestData() {}

  /** Multipliers in (-0.98, -0.3] ∪ [0.3, 0.98): stable, sign-changing, not trivially small. */
  public static Sequence multipliers(Precision p, int steps, int width, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Sequence s = Sequence.allocate(p, steps, width);
    for (int t = 0; t < steps; t++) {
      for (int c = 0; c < width; c++) {
        double m = 0.3 + 0.68 * r.nextDouble();
        s.set(t, c, r.nextBoolean() ? m : -m);
      }
    }
    return s;
  }

  /** Uniform values in [-1, 1). */
  public static Sequence values(Precision p, int steps, int width, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Sequence s = Sequence.allocate(p, steps, width);
    for (int t = 0; t < steps; t++) {
      for (int c = 0; c < width; c++) {
        s.set(t, c, 2 * r.nextDouble() - 1);
      }
    }
    return s;
  }

  public static double[] state(int width, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] h = new double[width];
    for (int c = 0; c < width; c++) {
      h[c] = 4 * r.nextDouble() - 2;
    }
    return h;
  }

  /** Segment starts with probability p per step (step 0 included with the same chance). */
  public static boolean[] starts(int steps, double p, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    boolean[] s = new boolean[steps];
    for (int t = 0; t < steps; t++) {
      s[t] = r.nextDouble() < p;
    }
    return s;
  }

  /** The same values in float64 (exact for float32 inputs). */
  public static Sequence widen(Sequence s) {
    Sequence out = Sequence.allocate(Precision.FLOAT64, s.steps(), s.width());
    s.copyTo(out);
    return out;
  }

  /** A sequence of the given shape filled with NaN (to catch unwritten outputs). */
  public static Sequence poisoned(Precision p, int steps, int width) {
    Sequence s = Sequence.allocate(p, steps, width);
    s.fill(Double.NaN);
    return s;
  }

  /** Absolute-plus-relative tolerance used by the parity suite for a precision. */
  public static double tolerance(Precision p) {
    return p == Precision.FLOAT32 ? 2e-4 : 1e-11;
  }

  /** Every element within atol + rtol·|expected| (tol used for both); NaN never passes. */
  public static void assertClose(Sequence expected, Sequence actual, double tol, String what) {
    if (expected.steps() != actual.steps() || expected.width() != actual.width()) {
      fail(what + ": shape " + actual.steps() + "×" + actual.width() + " != expected "
          + expected.steps() + "×" + expected.width());
    }
    for (int t = 0; t < expected.steps(); t++) {
      for (int c = 0; c < expected.width(); c++) {
        double e = expected.get(t, c);
        double a = actual.get(t, c);
        if (!(Math.abs(a - e) <= tol * (1 + Math.abs(e)))) {
          fail(what + ": at step " + t + ", channel " + c + " expected " + e + ", found " + a
              + " (tolerance " + tol + ")");
        }
      }
    }
  }

  public static void assertClose(double[] expected, double[] actual, double tol, String what) {
    assertClose(Sequence.of(expected, 1), Sequence.of(actual, 1), tol, what);
  }

  /** Bitwise equality of every element. */
  public static void assertBitwise(Sequence expected, Sequence actual, String what) {
    for (int t = 0; t < expected.steps(); t++) {
      for (int c = 0; c < expected.width(); c++) {
        double e = expected.get(t, c);
        double a = actual.get(t, c);
        if (Double.doubleToRawLongBits(e) != Double.doubleToRawLongBits(a)) {
          fail(what + ": at step " + t + ", channel " + c + " expected bits of " + e + ", found "
              + a);
        }
      }
    }
  }
}
