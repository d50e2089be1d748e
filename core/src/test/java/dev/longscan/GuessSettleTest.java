package dev.longscan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.longscan.SettledScanTest.Kind;
import org.junit.jupiter.api.Test;

/**
 * {@link Backend#guess} and {@link Backend#settle} (the public pair Spark's chunked scans keep
 * their states with): the settled output is {@link Backend#apply}'s bit for bit (NaN bits aside),
 * settling twice changes nothing, the guess's summary matches {@link Backend#reduce} and the fp64
 * reference, and on contractive data the settle stops early.
 */
class GuessSettleTest {
  private static final Backend BE = Backends.singleThread();

  @Test
  void settledGuessEqualsApplyBitForBit() {
    for (Precision p : Precision.values()) {
      for (int w : new int[] {1, 16, 64}) {
        for (Kind kind : Kind.values()) {
          for (boolean rev : new boolean[] {false, true}) {
            for (int n : new int[] {1, 7, 33, 1001}) {
              String what = p + " w=" + w + " " + kind + (rev ? " reverse" : "") + " n=" + n;
              Sequence a = SettledScanTest.multipliers(p, n, w, kind, 3 + n + w);
              Sequence b = TestData.values(p, n, w, 4 + n);
              ScanOptions o = rev ? ScanOptions.reverse() : ScanOptions.defaults();
              double[] carry = TestData.state(w, 5);
              Sequence out = TestData.poisoned(p, n, w);
              Summary s = BE.guess(a, b, o, out);
              assertNotNull(s, what);
              checkSummary(s, BE.reduce(a, b, o), Backends.reference()
                  .reduce(TestData.widen(a), TestData.widen(b), o), kind, p, what);
              BE.settle(a, b, carry, o, out);
              Sequence expected = a.allocateLike();
              BE.apply(a, b, carry, o, expected);
              SettledScanTest.assertSame(expected, out, what);
              BE.settle(a, b, carry, o, out);
              SettledScanTest.assertSame(expected, out, what + ", settled twice");
              if (kind != Kind.SPECIAL && kind != Kind.GROWING) {
                Sequence ref = Sequence.allocate(Precision.FLOAT64, n, w);
                Backends.reference().apply(TestData.widen(a), TestData.widen(b), carry, o, ref);
                TestData.assertClose(ref, out, TestData.tolerance(p), what + " vs fp64");
              }
            }
          }
        }
      }
    }
  }

  /** The guess's summary against reduce's (the same data) and the fp64 reference's. */
  private static void checkSummary(Summary s, Summary reduced, Summary ref, Kind kind,
      Precision p, String what) {
    double tol = TestData.tolerance(p);
    if (kind == Kind.SPECIAL) {
      // non-finite multipliers: the composed step is non-finite wherever reduce's is (the guess's
      // first step skips a · 0, so its b alone may be finite where reduce's is NaN)
      double[] carry = TestData.state(s.width(), 7);
      double[] x = s.apply(carry);
      double[] y = reduced.apply(carry);
      for (int c = 0; c < s.width(); c++) {
        assertEquals(Double.isFinite(y[c]), Double.isFinite(x[c]), what + ": " + x[c]
            + " against reduce's " + y[c]);
        assertEquals(Double.isFinite(reduced.a(c)), Double.isFinite(s.a(c)), what);
      }
      return;
    }
    for (int c = 0; c < s.width(); c++) {
      for (double[] x : new double[][] {{s.a(c), reduced.a(c), ref.a(c)},
          {s.b(c), reduced.b(c), ref.b(c)}}) {
        for (double e : new double[] {x[1], x[2]}) {
          // a flushed product (below the smallest normal) counts as zero
          double scale = 1 + Math.abs(e);
          if (!(Math.abs(x[0] - e) <= tol * scale + Float.MIN_NORMAL)) {
            fail(what + ": summary channel " + c + " " + x[0] + " against " + e);
          }
        }
      }
    }
  }

  @Test
  void theSettleStopsEarlyOnContractiveData() {
    for (Precision p : Precision.values()) {
      for (int w : new int[] {1, 32}) {
        for (boolean rev : new boolean[] {false, true}) {
          int n = 4099;
          Sequence a = SettledScanTest.multipliers(p, n, w, Kind.CONTRACTIVE, 21);
          Sequence b = TestData.values(p, n, w, 22);
          ScanOptions o = rev ? ScanOptions.reverse() : ScanOptions.defaults();
          Sequence out = a.allocateLike();
          assertNotNull(BE.guess(a, b, o, out));
          int far = rev ? 0 : n - 1; // the last step in scan order
          out.set(far, 0, 12345.0);  // a mark the settle must not reach
          BE.settle(a, b, TestData.state(w, 23), o, out);
          assertEquals(12345.0, out.get(far, 0), p + " w=" + w + ": the settle rescanned the"
              + " whole chunk of contractive data");
          Sequence whole = a.allocateLike();
          BE.apply(a, b, TestData.state(w, 23), o, whole);
          for (int t = 0; t < n; t++) {
            if (t != far) {
              assertEquals(whole.get(t, 0), out.get(t, 0), "step " + t);
            }
          }
        }
      }
    }
  }

  /**
   * The count settle returns, and what Spark builds on it: a settle over the chunk's first K steps
   * in scan order (a view) that stops before K stops where the whole chunk's settle stops, with
   * the same bits; one that does not stop leaves the caller to settle the whole chunk.
   */
  @Test
  void settlingTheFirstStepsAgreesWithSettlingTheWholeChunk() {
    for (Precision p : Precision.values()) {
      for (int w : new int[] {1, 16}) {
        for (Kind kind : new Kind[] {Kind.CONTRACTIVE, Kind.ONES}) {
          for (boolean rev : new boolean[] {false, true}) {
            String what = p + " w=" + w + " " + kind + (rev ? " reverse" : "");
            int n = 3001;
            int k = 512;
            Sequence a = SettledScanTest.multipliers(p, n, w, kind, 51);
            Sequence b = TestData.values(p, n, w, 52);
            ScanOptions o = rev ? ScanOptions.reverse() : ScanOptions.defaults();
            double[] carry = TestData.state(w, 53);
            Sequence whole = a.allocateLike();
            BE.guess(a, b, o, whole);
            Sequence head = Sequence.allocate(p, k, w);
            whole.slice(rev ? n - k : 0, rev ? n : k).copyTo(head);
            int all = BE.settle(a, b, carry, o, whole);
            // the first steps copied out, as Spark keeps them (a literal width settles early
            // only with a, b and out at one offset)
            Sequence ha = Sequence.allocate(p, k, w);
            Sequence hb = Sequence.allocate(p, k, w);
            a.slice(rev ? n - k : 0, rev ? n : k).copyTo(ha);
            b.slice(rev ? n - k : 0, rev ? n : k).copyTo(hb);
            int r = BE.settle(ha, hb, carry, o, head);
            if (kind == Kind.ONES) {
              assertEquals(n, all, what + ": a running sum never settles early");
              assertEquals(k, r, what);
              continue;
            }
            assertTrue(all < k && all > 0, what + ": rescanned " + all + " of " + n);
            assertEquals(all, r, what);
            SettledScanTest.assertSame(whole.slice(rev ? n - k : 0, rev ? n : k), head, what);
            assertTrue(BE.settle(a, b, carry, o, whole) <= 33, what + ": settled again");
          }
        }
      }
    }
  }

  @Test
  void aNonFiniteMultiplierAfterTheProductVanishedStillShowsInTheSummary() {
    for (Precision p : Precision.values()) {
      int n = 5000;
      Sequence a = SettledScanTest.multipliers(p, n, 1, Kind.FAST, 31);
      Sequence b = TestData.values(p, n, 1, 32);
      a.set(n - 3, 0, Double.POSITIVE_INFINITY);
      Sequence out = a.allocateLike();
      Summary s = BE.guess(a, b, ScanOptions.defaults(), out);
      assertTrue(Double.isNaN(s.a(0)), p + ": expected the product 0 · ∞ = NaN, found " + s.a(0));
      assertTrue(Double.isNaN(BE.reduce(a, b, ScanOptions.defaults()).a(0)));
    }
  }

  @Test
  void shapesWithoutAGuessLeaveTheOutputAlone() {
    Precision p = Precision.FLOAT32;
    Sequence a = TestData.multipliers(p, 50, 3, 41);
    Sequence b = TestData.values(p, 50, 3, 42);
    Sequence out = TestData.poisoned(p, 50, 3);
    assertNull(BE.guess(a, b, ScanOptions.defaults(), out), "width 3 has no guess");
    assertTrue(Double.isNaN(out.get(0, 0)) && Double.isNaN(out.get(49, 2)));
    Sequence a1 = TestData.multipliers(p, 50, 1, 43);
    Sequence b1 = TestData.values(p, 50, 1, 44);
    ScanOptions seg = ScanOptions.defaults().withSegmentStarts(TestData.starts(50, 0.1, 45));
    assertNull(BE.guess(a1, b1, seg, a1.allocateLike()), "segments have no guess");
    assertThrows(ParameterException.class,
        () -> BE.settle(a1, b1, new double[1], seg, a1.allocateLike()));
    assertNull(Backends.sequential().guess(a1, b1, ScanOptions.defaults(), a1.allocateLike()),
        "the sequential backend has no guess");
    Sequence empty = Sequence.allocate(p, 0, 1);
    Summary id = BE.guess(empty, empty, ScanOptions.defaults(), empty);
    assertEquals(1.0, id.a(0));
    assertEquals(0.0, id.b(0));
    BE.settle(empty, empty, new double[1], ScanOptions.defaults(), empty);
    assertThrows(ShapeException.class, () -> BE.settle(a1, b1, new double[2],
        ScanOptions.defaults(), a1.allocateLike()));
  }
}
