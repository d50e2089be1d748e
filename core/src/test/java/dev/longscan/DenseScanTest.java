package dev.longscan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.longscan.algebra.Algebra;
import dev.longscan.algebra.DenseSummary;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The dense scan against the sequential float64 reference ({@link DenseReference}) on every
 * schedule, plus the invariants scan(x‖y) = scan(x) ▷ scan(y), n = 1 against the diagonal scan,
 * and the backward pass against central finite differences. Tolerances: |x − ref| ≤ tol·(1 + |ref|)
 * with tol 1e-11 for float64 data and 1e-6 for float32 (whose arithmetic is float64 too, so only
 * the stores round).
 */
class DenseScanTest {
  private static final DenseScan TWO = DenseScan.cpu(2);
  private static final DenseScan THREE = DenseScan.cpu(3);
  /** Chunks of 16 steps (the smallest the time-parallel path makes), on three threads. */
  private static final DenseScan BY_TIME =
      THREE.withSchedule(DenseScan.Schedule.BY_TIME).withChunkElements(1);
  private static final DenseScan[] ENGINES = {DenseScan.sequential(), TWO, BY_TIME,
      TWO.withSchedule(DenseScan.Schedule.BY_SERIES)};
  private static final int[] NS = {1, 2, 3, 7, 16, 64};
  private static final int[] STEPS = {0, 1, 2, 13, 15, 16, 17, 33, 97};
  private static final int[] STEPS_N64 = {0, 1, 2, 15, 17, 33};

  @AfterAll
  static void close() {
    TWO.close();
    THREE.close();
  }

  private static double tol(Precision p) {
    return p == Precision.FLOAT32 ? 1e-6 : 1e-11;
  }

  static void assertClose(Sequence expected, Sequence actual, double tol, String what) {
    assertEquals(expected.size(), actual.size(), what + ": size");
    int w = Math.max(1, expected.width());
    for (int i = 0; i < expected.size(); i++) {
      double e = expected.get(i / w, i % w);
      double a = actual.get(i / w, i % w);
      if (!(Math.abs(a - e) <= tol * (1 + Math.abs(e)))) {
        fail(what + ": at step " + i / w + ", channel " + i % w + " expected " + e + ", found " + a);
      }
    }
  }

  static void assertClose(double[] expected, double[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      if (!(Math.abs(actual[i] - expected[i]) <= tol * (1 + Math.abs(expected[i])))) {
        fail(what + ": at " + i + " expected " + expected[i] + ", found " + actual[i]);
      }
    }
  }

  private static Sequence poisoned(Precision p, int steps, int width) {
    Sequence s = Sequence.allocate(p, steps, width);
    s.fill(Double.NaN);
    return s;
  }

  @Test
  void scanMatchesReferenceOnEverySchedule() {
    long seed = 1;
    for (Precision p : Precision.values()) {
      for (int n : NS) {
        for (int steps : n == 64 ? STEPS_N64 : STEPS) {
          for (int batch : new int[] {1, 5}) {
            Sequence j = DenseReference.transitions(p, steps, batch, n, seed++);
            Sequence b = TestData.values(p, steps, batch * n, seed++);
            double[] h0 = TestData.state(batch * n, seed++);
            for (boolean rev : new boolean[] {false, true}) {
              for (double[] init : new double[][] {null, h0}) {
                Sequence ref = DenseReference.scan(n, j, b, init, rev);
                ScanOptions o = (rev ? ScanOptions.reverse() : ScanOptions.defaults())
                    .withInitialState(init);
                for (DenseScan e : ENGINES) {
                  Sequence out = poisoned(p, steps, batch * n);
                  e.scan(n, j, b, o, out);
                  assertClose(ref, out, tol(p), e + " " + p + " n=" + n + " T=" + steps + " B="
                      + batch + (rev ? " reverse" : "") + (init != null ? " h0" : ""));
                }
              }
            }
          }
        }
      }
    }
  }

  @Test
  void summariesComposeAsTheConcatenation() {
    // scan(x‖y) = scan(x) ▷ scan(y): for summaries, and for the states through apply
    long seed = 100;
    for (int n : new int[] {1, 3, 7, 16}) {
      for (int batch : new int[] {1, 5}) {
        for (boolean rev : new boolean[] {false, true}) {
          int steps = 53;
          Sequence j = DenseReference.transitions(Precision.FLOAT64, steps, batch, n, seed++);
          Sequence b = TestData.values(Precision.FLOAT64, steps, batch * n, seed++);
          double[] h0 = TestData.state(batch * n, seed++);
          ScanOptions o = (rev ? ScanOptions.reverse() : ScanOptions.defaults())
              .withInitialState(h0);
          Algebra<DenseSummary> alg = DenseSummary.algebra(batch, n);
          Sequence whole = DenseReference.scan(n, j, b, h0, rev);
          for (int cut : new int[] {0, 1, 20, 52, 53}) {
            // x is the part scanned first: [0, cut) forward, [cut, T) in reverse
            Sequence jx = rev ? j.slice(cut, steps) : j.slice(0, cut);
            Sequence bx = rev ? b.slice(cut, steps) : b.slice(0, cut);
            Sequence jy = rev ? j.slice(0, cut) : j.slice(cut, steps);
            Sequence by = rev ? b.slice(0, cut) : b.slice(cut, steps);
            for (DenseScan e : ENGINES) {
              String what = e + " n=" + n + " B=" + batch + " cut=" + cut + (rev ? " rev" : "");
              DenseSummary sx = e.reduce(n, jx, bx, o);
              DenseSummary sy = e.reduce(n, jy, by, o);
              DenseSummary sxy = e.reduce(n, j, b, o);
              DenseSummary composed = alg.compose(sx, sy);
              assertClose(sxy.j(), composed.j(), 1e-11, what + ": J");
              assertClose(sxy.b(), composed.b(), 1e-11, what + ": b");
              // the state after x is sx applied to h0; y rescanned from it is the rest of the scan
              double[] carry = sx.apply(h0);
              Sequence outY = poisoned(Precision.FLOAT64, jy.steps(), batch * n);
              e.apply(n, jy, by, carry, o, outY);
              Sequence refY = rev ? whole.slice(0, cut) : whole.slice(cut, steps);
              assertClose(refY, outY, 1e-11, what + ": apply");
              double[] last = alg.exclusiveScan(List.of(sx, sy), h0)[2];
              assertClose(sxy.apply(h0), last, 1e-11, what + ": carries");
            }
          }
        }
      }
    }
  }

  @Test
  void oneDimensionalDenseScanIsTheDiagonalScan() {
    // n = 1: J is the multiplier a; float64 agrees to 1e-14 relative (the same products and sums),
    // float32 to 1e-6 (the diagonal backend rounds every step to float32, the dense one only stores)
    for (Precision p : Precision.values()) {
      for (int batch : new int[] {1, 5}) {
        for (boolean rev : new boolean[] {false, true}) {
          int steps = 1009;
          Sequence a = TestData.multipliers(p, steps, batch, 7 + batch);
          Sequence b = TestData.values(p, steps, batch, 8 + batch);
          double[] h0 = TestData.state(batch, 9);
          ScanOptions o = (rev ? ScanOptions.reverse() : ScanOptions.defaults())
              .withInitialState(h0);
          Sequence diag = Backends.sequential().scan(a, b, o);
          double tol = p == Precision.FLOAT32 ? 1e-5 : 1e-14;
          for (DenseScan e : ENGINES) {
            Sequence dense = e.scan(1, a, b, o);
            assertClose(diag, dense, tol, e + " " + p + " B=" + batch);
          }
          // and the backward pass
          Sequence h = Backends.reference().scan(TestData.widen(a), TestData.widen(b), o);
          Sequence g = TestData.values(Precision.FLOAT64, steps, batch, 10);
          Sequence ga = Sequence.allocate(Precision.FLOAT64, steps, batch);
          Sequence gb = Sequence.allocate(Precision.FLOAT64, steps, batch);
          double[] g0 = new double[batch];
          Sequence a64 = TestData.widen(a);
          Backends.reference().backward(a64, h, g, o, ga, gb, g0);
          Sequence gj = poisoned(Precision.FLOAT64, steps, batch);
          Sequence gb2 = poisoned(Precision.FLOAT64, steps, batch);
          double[] g02 = new double[batch];
          TWO.backward(1, a64, h, g, o, gj, gb2, g02);
          assertClose(ga, gj, 1e-12, "gradA B=" + batch);
          assertClose(gb, gb2, 1e-12, "gradB B=" + batch);
          assertClose(g0, g02, 1e-12, "gradH0 B=" + batch);
        }
      }
    }
  }

  @Test
  void backwardMatchesReference() {
    long seed = 200;
    for (Precision p : Precision.values()) {
      for (int n : NS) {
        for (int steps : new int[] {0, 1, 2, 17, 31}) {
          for (int batch : new int[] {1, 5}) {
            Sequence j = DenseReference.transitions(p, steps, batch, n, seed++);
            Sequence b = TestData.values(p, steps, batch * n, seed++);
            Sequence g = TestData.values(p, steps, batch * n, seed++);
            double[] h0 = TestData.state(batch * n, seed++);
            for (boolean rev : new boolean[] {false, true}) {
              for (double[] init : new double[][] {null, h0}) {
                ScanOptions o = (rev ? ScanOptions.reverse() : ScanOptions.defaults())
                    .withInitialState(init);
                Sequence h = DenseScan.sequential().scan(n, j, b, o);
                double[] refH0 = new double[batch * n];
                Sequence[] ref = DenseReference.backward(n, j, h, g, init, rev, refH0);
                for (DenseScan e : ENGINES) {
                  String what = e + " " + p + " n=" + n + " T=" + steps + " B=" + batch
                      + (rev ? " rev" : "") + (init != null ? " h0" : "");
                  Sequence gj = poisoned(p, steps, batch * n * n);
                  Sequence gb = poisoned(p, steps, batch * n);
                  double[] g0 = new double[batch * n];
                  java.util.Arrays.fill(g0, Double.NaN);
                  e.backward(n, j, h, g, o, gj, gb, g0);
                  assertClose(ref[0], gj, tol(p), what + ": gradJ");
                  assertClose(ref[1], gb, tol(p), what + ": gradB");
                  assertClose(refH0, g0, tol(p), what + ": gradH0");
                }
              }
            }
          }
        }
      }
    }
  }

  @Test
  void backwardMatchesCentralDifferences() {
    // L = Σ_t ⟨w_t, h_t⟩, so ∂L/∂h = w; every entry of J, b and h0 perturbed by ±1e-5
    int n = 3;
    int batch = 2;
    int steps = 7;
    for (boolean rev : new boolean[] {false, true}) {
      Sequence j = DenseReference.transitions(Precision.FLOAT64, steps, batch, n, 300);
      Sequence b = TestData.values(Precision.FLOAT64, steps, batch * n, 301);
      Sequence w = TestData.values(Precision.FLOAT64, steps, batch * n, 302);
      double[] h0 = TestData.state(batch * n, 303);
      ScanOptions o = (rev ? ScanOptions.reverse() : ScanOptions.defaults()).withInitialState(h0);
      Sequence h = TWO.scan(n, j, b, o);
      Sequence gj = Sequence.allocate(Precision.FLOAT64, steps, batch * n * n);
      Sequence gb = Sequence.allocate(Precision.FLOAT64, steps, batch * n);
      double[] g0 = new double[batch * n];
      TWO.backward(n, j, h, w, o, gj, gb, g0);
      double eps = 1e-5;
      for (Sequence x : new Sequence[] {j, b}) {
        Sequence grad = x == j ? gj : gb;
        double[] v = x.doubleArray();
        for (int i = 0; i < v.length; i++) {
          double keep = v[i];
          v[i] = keep + eps;
          double up = loss(n, j, b, o, w);
          v[i] = keep - eps;
          double down = loss(n, j, b, o, w);
          v[i] = keep;
          double fd = (up - down) / (2 * eps);
          double an = grad.get(i / x.width(), i % x.width());
          assertEquals(fd, an, 1e-7 * (1 + Math.abs(fd)), (x == j ? "J" : "b") + "[" + i + "]"
              + (rev ? " rev" : ""));
        }
      }
      for (int i = 0; i < h0.length; i++) {
        double keep = h0[i];
        h0[i] = keep + eps;
        double up = loss(n, j, b, o, w);
        h0[i] = keep - eps;
        double down = loss(n, j, b, o, w);
        h0[i] = keep;
        assertEquals((up - down) / (2 * eps), g0[i], 1e-7, "h0[" + i + "]" + (rev ? " rev" : ""));
      }
    }
  }

  private static double loss(int n, Sequence j, Sequence b, ScanOptions o, Sequence w) {
    Sequence h = DenseScan.sequential().scan(n, j, b, o);
    double l = 0;
    for (int i = 0; i < h.size(); i++) {
      l += h.get(i / h.width(), i % h.width()) * w.get(i / h.width(), i % h.width());
    }
    return l;
  }

  @Test
  void resultsDoNotDependOnTheThreadCount() {
    Sequence j = DenseReference.transitions(Precision.FLOAT64, 301, 3, 4, 400);
    Sequence b = TestData.values(Precision.FLOAT64, 301, 12, 401);
    ScanOptions o = ScanOptions.defaults();
    Sequence one = DenseScan.sequential().scan(4, j, b, o);
    Sequence two = TWO.scan(4, j, b, o);
    assertTrue(java.util.Arrays.equals(one.doubleArray(), two.doubleArray()),
        "by series: the sequential loop's bits");
    try (DenseScan five = DenseScan.cpu(5)) {
      DenseScan t5 = five.withSchedule(DenseScan.Schedule.BY_TIME).withChunkElements(1);
      Sequence x = BY_TIME.scan(4, j, b, o);
      Sequence y = t5.scan(4, j, b, o);
      assertTrue(java.util.Arrays.equals(x.doubleArray(), y.doubleArray()),
          "by time: one chunking, the same bits on 3 and 5 threads");
    }
  }

  @Test
  void badInputsAreRejectedWithWhatWasExpected() {
    Sequence j = DenseReference.transitions(Precision.FLOAT64, 4, 2, 3, 500);
    Sequence b = TestData.values(Precision.FLOAT64, 4, 6, 501);
    Sequence out = Sequence.allocate(Precision.FLOAT64, 4, 6);
    ScanOptions o = ScanOptions.defaults();
    DenseScan e = DenseScan.sequential();
    assertMessage(ParameterException.class, "n in [1, 64], found 0", () -> e.scan(0, j, b, o, out));
    assertMessage(ParameterException.class, "found 65", () -> e.scan(65, j, b, o, out));
    assertMessage(ShapeException.class, "multiple of n = 4, found width 6",
        () -> e.scan(4, j, b, o, out));
    assertMessage(ShapeException.class, "B·n·n = 3·2·2 = 12 (B = 3 from b's width 6), found width"
        + " 18", () -> e.scan(2, j, b, o, out));
    assertMessage(ShapeException.class, "one length, found 4 and 3",
        () -> e.scan(3, j, b.slice(0, 3), o, out));
    assertMessage(ShapeException.class, "one precision",
        () -> e.scan(3, j, TestData.values(Precision.FLOAT32, 4, 6, 1), o, out));
    assertMessage(ShapeException.class, "expected out of 4 steps × width 6",
        () -> e.scan(3, j, b, o, Sequence.allocate(Precision.FLOAT64, 4, 5)));
    assertMessage(ShapeException.class, "h0 of length B·n = 2·3 = 6, found length 5",
        () -> e.scan(3, j, b, o.withInitialState(new double[5]), out));
    assertMessage(ParameterException.class, "without segment starts",
        () -> e.scan(3, j, b, o.withSegmentStarts(new boolean[4]), out));
    assertMessage(ShapeException.class, "not to share memory",
        () -> e.scan(3, j, b, o, b));
    assertMessage(ShapeException.class, "carry of length B·n = 2·3 = 6, found length 2",
        () -> e.apply(3, j, b, new double[2], o, out));
    assertMessage(ShapeException.class, "gradH0 of length B·n = 6",
        () -> e.backward(3, j, b, b, o, Sequence.allocate(Precision.FLOAT64, 4, 18),
            Sequence.allocate(Precision.FLOAT64, 4, 6), new double[3]));
  }

  @Test
  void rejectPolicyNamesStepSeriesAndEntryAndWritesNothing() {
    Sequence j = DenseReference.transitions(Precision.FLOAT32, 5, 2, 3, 600);
    Sequence b = TestData.values(Precision.FLOAT32, 5, 6, 601);
    j.set(3, 9 + 2 * 3 + 1, Float.NaN); // step 3, series 1, entry (2, 1)
    Sequence out = poisoned(Precision.FLOAT32, 5, 6);
    out.set(0, 0, 42);
    ScanOptions reject = ScanOptions.defaults().withNonFinite(NonFinitePolicy.REJECT);
    NonFiniteException x = assertThrows(NonFiniteException.class,
        () -> TWO.scan(3, j, b, reject, out));
    assertTrue(x.getMessage().contains("'j', found NaN at step 3, series 1, entry (2, 1)"),
        x.getMessage());
    assertEquals(3, x.step());
    assertEquals(42, out.get(0, 0));
    // propagated by default: the NaN reaches series 1 from step 3 on, series 0 stays finite
    TWO.scan(3, j, b, ScanOptions.defaults(), out);
    assertTrue(Double.isNaN(out.get(4, 3)));
    assertFalse(Double.isNaN(out.get(4, 0)));
    double[] h0 = {0, 0, Double.POSITIVE_INFINITY, 0, 0, 0};
    Sequence b2 = TestData.values(Precision.FLOAT32, 5, 6, 602);
    Sequence j2 = DenseReference.transitions(Precision.FLOAT32, 5, 2, 3, 603);
    NonFiniteException y = assertThrows(NonFiniteException.class,
        () -> TWO.scan(3, j2, b2, reject.withInitialState(h0), out));
    assertTrue(y.getMessage().contains("'h0', found Infinity at series 0, component 2"),
        y.getMessage());
  }

  @Test
  void emptyAndLengthOneInputs() {
    Sequence j = Sequence.allocate(Precision.FLOAT64, 0, 5 * 4);
    Sequence b = Sequence.allocate(Precision.FLOAT64, 0, 5 * 2);
    DenseSummary s = TWO.reduce(2, j, b, ScanOptions.defaults());
    assertEquals(DenseSummary.identity(5, 2), s);
    double[] g0 = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    TWO.backward(2, j, b, b, ScanOptions.defaults(), j, Sequence.allocate(Precision.FLOAT64, 0,
        10), g0);
    assertClose(new double[10], g0, 0, "gradH0 of an empty scan");
    // one step: h = J h0 + b
    Sequence j1 = DenseReference.transitions(Precision.FLOAT64, 1, 1, 2, 700);
    Sequence b1 = TestData.values(Precision.FLOAT64, 1, 2, 701);
    double[] h0 = {0.5, -2};
    Sequence h = BY_TIME.scan(2, j1, b1, ScanOptions.defaults().withInitialState(h0));
    for (int r = 0; r < 2; r++) {
      double e = b1.get(0, r) + j1.get(0, r * 2) * h0[0] + j1.get(0, r * 2 + 1) * h0[1];
      assertEquals(e, h.get(0, r), 1e-15);
    }
  }

  private static void assertMessage(Class<? extends RuntimeException> type, String part,
      Runnable r) {
    RuntimeException x = assertThrows(type, r::run);
    assertTrue(x.getMessage().contains(part), "expected '" + part + "' in: " + x.getMessage());
  }

}
