package dev.longscan;

import static dev.longscan.TestData.assertClose;
import static dev.longscan.TestData.poisoned;
import static dev.longscan.TestData.widen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The parity suite every backend passes: random cases against the float64 sequential reference
 * ({@link Backends#reference()}) with the tolerances of {@link TestData#tolerance}, plus the
 * invariants of the chunked scan. Outputs are poisoned with NaN before each call, so an element
 * a backend forgets to write fails. Subclasses provide the backend and, optionally, sizes around
 * their own chunk or tile boundaries.
 */
public abstract class BackendContract {

  /** The backend under test. */
  protected abstract Backend backend();

  /** Extra step counts to try for a width: just below, at and above the backend's boundaries. */
  protected int[] boundarySizes(int width) {
    return new int[0];
  }

  /** Largest steps × width tried per case (keeps the float64 oracle fast). */
  protected int maxElements() {
    return 400_000;
  }

  private static final int[] BASE_SIZES = {0, 1, 2, 3, 5, 17, 97, 1009, 4099, 65537, 100_003};
  private static final int[] WIDTHS = {1, 3, 37, 64};
  private static final Precision[] PRECISIONS = Precision.values();

  protected List<Integer> sizes(int width) {
    List<Integer> out = new ArrayList<>();
    for (int n : BASE_SIZES) {
      if ((long) n * width <= maxElements()) {
        out.add(n);
      }
    }
    for (int n : boundarySizes(width)) {
      if (n >= 0 && (long) n * width <= maxElements() && !out.contains(n)) {
        out.add(n);
      }
    }
    return out;
  }

  /** The option sets each case runs with: direction × h0 × segments. */
  private static List<ScanOptions> optionSets(int steps, int width, long seed) {
    List<ScanOptions> list = new ArrayList<>();
    for (Direction d : Direction.values()) {
      for (int h = 0; h < 2; h++) {
        for (int seg = 0; seg < 3; seg++) {
          ScanOptions o = ScanOptions.defaults().withDirection(d);
          if (h == 1) {
            o = o.withInitialState(TestData.state(width, seed + 7));
          }
          if (seg == 1) {
            o = o.withSegmentStarts(TestData.starts(steps, 0.01, seed + 11));
          } else if (seg == 2) {
            o = o.withSegmentStarts(TestData.starts(steps, 0.4, seed + 13));
          }
          list.add(o);
        }
      }
    }
    return list;
  }

  private static String label(Precision p, int steps, int width, ScanOptions o) {
    return p + " steps=" + steps + " width=" + width + " " + o;
  }

  @Test
  void scanMatchesReference() {
    Backend be = backend();
    long seed = 1;
    for (Precision p : PRECISIONS) {
      for (int w : WIDTHS) {
        for (int n : sizes(w)) {
          Sequence a = TestData.multipliers(p, n, w, seed);
          Sequence b = TestData.values(p, n, w, seed + 1);
          for (ScanOptions o : optionSets(n, w, seed)) {
            Sequence out = poisoned(p, n, w);
            be.scan(a, b, o, out);
            Sequence ref = Backends.reference().scan(widen(a), widen(b), o);
            assertClose(ref, out, TestData.tolerance(p), be.name() + " scan " + label(p, n, w, o));
          }
          seed += 3;
        }
      }
    }
  }

  /** Phase 1 + 2 + 3 on two parts equals the scan of the whole: scan(x‖y) = scan(x) ▷ scan(y). */
  @Test
  void chunkedProtocolMatchesWholeScan() {
    Backend be = backend();
    SplittableRandom r = new SplittableRandom(42);
    for (Precision p : PRECISIONS) {
      for (int w : WIDTHS) {
        for (int n : sizes(w)) {
          if (n < 2) {
            continue;
          }
          int m = 1 + r.nextInt(n - 1);
          Sequence a = TestData.multipliers(p, n, w, n + 5L);
          Sequence b = TestData.values(p, n, w, n + 6L);
          double tol = TestData.tolerance(p);
          for (ScanOptions o : optionSets(n, w, n)) {
            String what = be.name() + " split at " + m + " " + label(p, n, w, o);
            Sequence whole = Backends.reference().scan(widen(a), widen(b), o);
            // in scan order, the first part is [0, m) forward and [m, n) reverse
            boolean rev = o.isReverse();
            int lo1 = rev ? m : 0;
            int hi1 = rev ? n : m;
            int lo2 = rev ? 0 : m;
            int hi2 = rev ? m : n;
            Summary s1 = be.reduce(a.slice(lo1, hi1), b.slice(lo1, hi1), o.shifted(lo1));
            Summary s2 = be.reduce(a.slice(lo2, hi2), b.slice(lo2, hi2), o.shifted(lo2));
            Summary all = be.reduce(a, b, o);
            double[] h0 = o.initialState() != null ? o.initialState() : new double[w];
            double[] carry = s1.apply(h0);
            int last1 = rev ? m : m - 1;
            for (int c = 0; c < w; c++) {
              assertNear(whole.get(last1, c), carry[c], tol, what + ": carry after part 1, ch " + c);
            }
            double[] end = Affine.compose(s1, s2).apply(h0);
            double[] endAll = all.apply(h0);
            int lastStep = rev ? 0 : n - 1;
            for (int c = 0; c < w; c++) {
              assertNear(whole.get(lastStep, c), end[c], tol, what + ": s1 ▷ s2 end, ch " + c);
              assertNear(whole.get(lastStep, c), endAll[c], tol, what + ": whole summary, ch " + c);
            }
            Sequence out2 = poisoned(p, hi2 - lo2, w);
            be.apply(a.slice(lo2, hi2), b.slice(lo2, hi2), carry, o.shifted(lo2), out2);
            assertClose(whole.slice(lo2, hi2), out2, tol, what + ": part 2 applied from carry");
          }
        }
      }
    }
  }

  @Test
  void backwardMatchesReference() {
    Backend be = backend();
    long seed = 100;
    for (Precision p : PRECISIONS) {
      for (int w : WIDTHS) {
        for (int n : sizes(w)) {
          Sequence a = TestData.multipliers(p, n, w, seed);
          Sequence b = TestData.values(p, n, w, seed + 1);
          Sequence g = TestData.values(p, n, w, seed + 2);
          for (ScanOptions o : optionSets(n, w, seed)) {
            Sequence h = Backends.reference().scan(widen(a), widen(b), o);
            Sequence hp = Sequence.allocate(p, n, w);
            h.copyTo(hp);
            Sequence ga = poisoned(p, n, w);
            Sequence gb = poisoned(p, n, w);
            double[] g0 = new double[w];
            java.util.Arrays.fill(g0, Double.NaN);
            be.backward(a, hp, g, o, ga, gb, g0);
            Sequence ra = Sequence.allocate(Precision.FLOAT64, n, w);
            Sequence rb = Sequence.allocate(Precision.FLOAT64, n, w);
            double[] r0 = new double[w];
            Backends.reference().backward(widen(a), widen(hp), widen(g), o, ra, rb, r0);
            String what = be.name() + " backward " + label(p, n, w, o);
            double tol = TestData.tolerance(p);
            assertClose(rb, gb, tol, what + ": gradB");
            assertClose(ra, ga, tol, what + ": gradA");
            // gradH0 sums over every segment start: scale the tolerance with their number
            double tol0 = tol * Math.max(1, Math.sqrt(n));
            for (int c = 0; c < w; c++) {
              assertNear(r0[c], g0[c], tol0, what + ": gradH0 ch " + c);
            }
            seed += 5;
          }
        }
      }
    }
  }

  /** ∂L/∂a, ∂L/∂b, ∂L/∂h0 against central finite differences of L = Σ g ⊙ scan(a, b), float64. */
  @Test
  void backwardMatchesFiniteDifferences() {
    Backend be = backend();
    int n = 13;
    int w = 2;
    for (ScanOptions base : optionSets(n, w, 77)) {
      ScanOptions o = base.withInitialState(TestData.state(w, 5));
      Sequence a = TestData.multipliers(Precision.FLOAT64, n, w, 3);
      Sequence b = TestData.values(Precision.FLOAT64, n, w, 4);
      Sequence g = TestData.values(Precision.FLOAT64, n, w, 5);
      Sequence h = be.scan(a, b, o);
      Sequence ga = a.allocateLike();
      Sequence gb = a.allocateLike();
      double[] g0 = new double[w];
      be.backward(a, h, g, o, ga, gb, g0);
      double eps = 1e-6;
      String what = be.name() + " finite differences " + o;
      for (int t = 0; t < n; t++) {
        for (int c = 0; c < w; c++) {
          assertNear(numeric(be, a, b, g, o, a, t, c, eps), ga.get(t, c), 1e-7,
              what + ": dL/da at step " + t + " ch " + c);
          assertNear(numeric(be, a, b, g, o, b, t, c, eps), gb.get(t, c), 1e-7,
              what + ": dL/db at step " + t + " ch " + c);
        }
      }
      for (int c = 0; c < w; c++) {
        double[] hp = o.initialState().clone();
        double[] hm = o.initialState().clone();
        hp[c] += eps;
        hm[c] -= eps;
        double num = (loss(be, a, b, g, o.withInitialState(hp))
            - loss(be, a, b, g, o.withInitialState(hm))) / (2 * eps);
        assertNear(num, g0[c], 1e-7, what + ": dL/dh0 ch " + c);
      }
    }
  }

  private static double numeric(Backend be, Sequence a, Sequence b, Sequence g, ScanOptions o,
      Sequence which, int t, int c, double eps) {
    double v = which.get(t, c);
    which.set(t, c, v + eps);
    double lp = loss(be, a, b, g, o);
    which.set(t, c, v - eps);
    double lm = loss(be, a, b, g, o);
    which.set(t, c, v);
    return (lp - lm) / (2 * eps);
  }

  private static double loss(Backend be, Sequence a, Sequence b, Sequence g, ScanOptions o) {
    Sequence h = be.scan(a, b, o);
    double s = 0;
    for (int t = 0; t < h.steps(); t++) {
      for (int c = 0; c < h.width(); c++) {
        s += g.get(t, c) * h.get(t, c);
      }
    }
    return s;
  }

  @Test
  void emptyAndLengthOne() {
    Backend be = backend();
    for (Precision p : PRECISIONS) {
      for (int w : new int[] {1, 5}) {
        Sequence a0 = Sequence.allocate(p, 0, w);
        Sequence out0 = Sequence.allocate(p, 0, w);
        be.scan(a0, a0.allocateLike(), ScanOptions.defaults(), out0);
        assertEquals(Summary.identity(w), be.reduce(a0, a0.allocateLike(), ScanOptions.defaults()));
        double[] g0 = {7, 7, 7, 7, 7};
        be.backward(a0, a0.allocateLike(), a0.allocateLike(), ScanOptions.defaults(),
            a0.allocateLike(), a0.allocateLike(), java.util.Arrays.copyOf(g0, w));

        Sequence a = Sequence.allocate(p, 1, w);
        Sequence b = Sequence.allocate(p, 1, w);
        for (int c = 0; c < w; c++) {
          a.set(0, c, 0.5);
          b.set(0, c, c + 1);
        }
        double[] h0 = new double[w];
        java.util.Arrays.fill(h0, 2.0);
        for (Direction d : Direction.values()) {
          Sequence out = poisoned(p, 1, w);
          be.scan(a, b, ScanOptions.defaults().withDirection(d).withInitialState(h0), out);
          for (int c = 0; c < w; c++) {
            assertEquals(0.5 * 2.0 + c + 1, out.get(0, c), 0.0, be.name() + " " + d + " ch " + c);
          }
        }
      }
    }
  }

  @Test
  void nonFiniteValuesPropagateByDefault() {
    Backend be = backend();
    for (Precision p : PRECISIONS) {
      int n = 5000;
      Sequence a = TestData.multipliers(p, n, 1, 9);
      Sequence b = TestData.values(p, n, 1, 10);
      b.set(1234, 0, Double.NaN);
      boolean[] starts = new boolean[n];
      starts[4000] = true;
      ScanOptions o = ScanOptions.defaults().withSegmentStarts(starts);
      Sequence out = be.scan(a, b, o);
      Sequence ref = Backends.reference().scan(widen(a), widen(b), o);
      for (int t = 0; t < n; t++) {
        boolean nan = t >= 1234 && t < 4000;
        assertEquals(nan, Double.isNaN(out.get(t, 0)), be.name() + " " + p + " NaN at step " + t);
        if (!nan) {
          assertNear(ref.get(t, 0), out.get(t, 0), TestData.tolerance(p), be.name() + " step " + t);
        }
      }
    }
  }

  @Test
  void rejectPolicyNamesThePositionAndWritesNothing() {
    Backend be = backend();
    for (Precision p : PRECISIONS) {
      Sequence a = TestData.multipliers(p, 300, 4, 1);
      Sequence b = TestData.values(p, 300, 4, 2);
      a.set(211, 3, Double.POSITIVE_INFINITY);
      Sequence out = Sequence.allocate(p, 300, 4);
      out.fill(7.0);
      ScanOptions strict = ScanOptions.defaults().withNonFinite(NonFinitePolicy.REJECT);
      NonFiniteException e = assertThrows(NonFiniteException.class,
          () -> be.scan(a, b, strict, out));
      assertEquals("a", e.input());
      assertEquals(211, e.step());
      assertEquals(3, e.channel());
      assertTrue(e.getMessage().contains("step 211"), e.getMessage());
      for (double v : out.toDoubleArray()) {
        assertEquals(7.0, v, 0.0, "output was written before the error");
      }
    }
  }

  @Test
  void invalidArgumentsAreRejectedBeforeAnyWork() {
    Backend be = backend();
    Sequence a = Sequence.allocate(Precision.FLOAT32, 10, 2);
    Sequence b = Sequence.allocate(Precision.FLOAT32, 10, 2);
    ScanOptions o = ScanOptions.defaults();
    assertThrows(ShapeException.class, () -> be.scan(a, Sequence.allocate(Precision.FLOAT32, 9, 2),
        o, a.allocateLike()));
    assertThrows(ShapeException.class, () -> be.scan(a, Sequence.allocate(Precision.FLOAT64, 10, 2),
        o, a.allocateLike()));
    assertThrows(ShapeException.class, () -> be.scan(a, b, o, a));
    assertThrows(ShapeException.class, () -> be.scan(null, b, o, a.allocateLike()));
    assertThrows(ShapeException.class,
        () -> be.scan(a, b, o.withInitialState(new double[3]), a.allocateLike()));
    assertThrows(ShapeException.class,
        () -> be.scan(a, b, o.withSegmentStarts(new boolean[9]), a.allocateLike()));
    assertThrows(ShapeException.class,
        () -> be.apply(a, b, new double[1], o, a.allocateLike()));
    assertThrows(ShapeException.class, () -> be.backward(a, a.allocateLike(), a.allocateLike(), o,
        a.allocateLike(), a.allocateLike(), new double[5]));
  }

  /** Reference results of two calls on the same inputs are bitwise equal (no timing dependence). */
  @Test
  void repeatedCallsAreBitwiseIdentical() {
    Backend be = backend();
    for (Precision p : PRECISIONS) {
      for (int w : new int[] {1, 64}) {
        int n = Math.min(200_003, maxElements() / w);
        Sequence a = TestData.multipliers(p, n, w, 5);
        Sequence b = TestData.values(p, n, w, 6);
        Sequence first = be.scan(a, b);
        for (int run = 0; run < 3; run++) {
          TestData.assertBitwise(first, be.scan(a, b), be.name() + " run " + run + " " + p);
        }
      }
    }
  }

  static void assertNear(double expected, double actual, double tol, String what) {
    if (!(Math.abs(actual - expected) <= tol * (1 + Math.abs(expected)))) {
      fail(what + ": expected " + expected + ", found " + actual + " (tolerance " + tol + ")");
    }
  }
}
