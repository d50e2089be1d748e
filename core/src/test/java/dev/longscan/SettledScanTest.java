package dev.longscan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The guess-and-settle scan of the literal widths (16, 32, 64, 128, 256 channels) and of one
 * channel: whichever chunks a run happens to guess, the result is the sequential backend's (one
 * channel: the blocked scan's, chunk by chunk), bit for bit. The kernel
 * test guesses every chunk on purpose (the backend only guesses the chunks it reaches before the
 * chunk ahead is final, which depends on timing); the backend test runs several thread counts.
 * Inputs: contractive (the rescan stops early; FAST: early enough for the backend to choose the
 * settled scan with short chunks), a = 1 (a running sum: it never stops), growing multipliers,
 * and multipliers of 0, NaN and infinity. "Bit for bit" leaves out which NaN a NaN
 * is: vector and scalar arithmetic may give NaNs of other sign or payload bits.
 */
class SettledScanTest {
  private static final int[] LITERAL = {16, 32, 64, 128, 256};

  enum Kind { FAST, CONTRACTIVE, ONES, GROWING, SPECIAL }

  static Sequence multipliers(Precision p, int n, int w, Kind kind, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Sequence a = Sequence.allocate(p, n, w);
    for (int t = 0; t < n; t++) {
      for (int c = 0; c < w; c++) {
        double v;
        switch (kind) {
          case FAST:
            v = 0.02 + 0.23 * r.nextDouble();
            break;
          case CONTRACTIVE:
            v = 0.5 + 0.49 * r.nextDouble();
            break;
          case ONES:
            v = 1;
            break;
          case GROWING:
            v = 0.95 + 0.1 * r.nextDouble();
            break;
          default:
            double u = r.nextDouble();
            v = u < 0.02 ? 0 : u < 0.03 ? Double.NaN : u < 0.04 ? Double.POSITIVE_INFINITY
                : u < 0.05 ? Double.NEGATIVE_INFINITY : 0.3 + 0.6 * r.nextDouble();
        }
        a.set(t, c, v);
      }
    }
    return a;
  }

  @Test
  void kernelsSettleEveryGuessedChunkToTheSequentialResult() {
    for (Precision p : Precision.values()) {
      for (int w : LITERAL) {
        for (Kind kind : Kind.values()) {
          for (boolean rev : new boolean[] {false, true}) {
            int n = 131;
            Sequence a = multipliers(p, n, w, kind, 11 + w);
            Sequence b = TestData.values(p, n, w, 12 + w);
            double[] h0 = TestData.state(w, 13);
            ScanOptions o = (rev ? ScanOptions.reverse() : ScanOptions.defaults())
                .withInitialState(h0);
            Sequence expected = Backends.sequential().scan(a, b, o);
            for (int cs : new int[] {1, 5, 31, 32, 33, 70, n}) {
              Sequence out = a.allocateLike();
              int chunks = (n + cs - 1) / cs;
              for (int i = 0; i < chunks; i++) {
                int k = rev ? chunks - 1 - i : i;
                int lo = k * cs;
                int hi = Math.min(n, lo + cs);
                Chunks.Scan job = new Chunks.Scan(a, b, out, o);
                assertTrue(job.settled);
                if (i == 0) {
                  // the first chunk in scan order is settled from h0 over its guess as well
                  job.guess(lo, hi);
                  job.settle(lo, hi, h0, true);
                } else {
                  job.guess(lo, hi);
                  job.settle(lo, hi, null, true);
                }
              }
              assertSame(expected, out, p + " width " + w + " " + kind + " " + o
                  + " chunks of " + cs + " steps");
            }
          }
        }
      }
    }
  }

  /**
   * One channel: the settled result is the blocked scan of each chunk from the state before it
   * (eight-step blocks, not the sequential loop), so the oracle is that scan run chunk by chunk in
   * order; a, b and out at different offsets.
   */
  @Test
  void oneChannelSettlesEveryGuessedChunkToTheBlockedScanInOrder() {
    for (Precision p : Precision.values()) {
      for (Kind kind : Kind.values()) {
        for (boolean rev : new boolean[] {false, true}) {
          int n = 1009;
          Sequence a = TestData.multipliers(p, n + 3, 1, 41).slice(3, n + 3);
          Sequence b = TestData.values(p, n + 1, 1, 42).slice(1, n + 1);
          multipliers(p, n, 1, kind, 43).copyTo(a);
          double[] h0 = {0.625};
          ScanOptions o = (rev ? ScanOptions.reverse() : ScanOptions.defaults())
              .withInitialState(h0);
          for (int cs : new int[] {1, 7, 8, 31, 32, 33, 100, 333, n}) {
            Sequence direct = Sequence.allocate(p, n + 2, 1).slice(2, n + 2);
            Sequence settled = Sequence.allocate(p, n, 1);
            int chunks = (n + cs - 1) / cs;
            for (int i = 0; i < chunks; i++) {
              int k = rev ? chunks - 1 - i : i;
              int lo = k * cs;
              int hi = Math.min(n, lo + cs);
              new Chunks.Scan(a, b, direct, o).settle(lo, hi, i == 0 ? h0 : null, false);
              Chunks.Scan job = new Chunks.Scan(a, b, settled, o);
              assertTrue(job.settled);
              job.guess(lo, hi);
              job.settle(lo, hi, i == 0 ? h0 : null, true);
            }
            String what = p + " one channel " + kind + " " + o + " chunks of " + cs + " steps";
            assertSame(direct, settled, what);
            if (kind == Kind.CONTRACTIVE) {
              TestData.assertClose(Backends.reference().scan(TestData.widen(a),
                  TestData.widen(b), o), settled, TestData.tolerance(p), what);
            }
          }
        }
      }
    }
  }

  /** One channel: the same bits for every thread count (the chunks are fixed by their size). */
  @Test
  void oneChannelSameForEveryThreadCount() {
    for (Precision p : Precision.values()) {
      for (Kind kind : Kind.values()) {
        int n = 20_011;
        Sequence a = multipliers(p, n, 1, kind, 51);
        Sequence b = TestData.values(p, n, 1, 52);
        for (ScanOptions o : new ScanOptions[] {ScanOptions.defaults(),
            ScanOptions.reverse().withInitialState(new double[] {-2})}) {
          Sequence first = null;
          for (int threads : new int[] {1, 2, 3, 5}) {
            try (Backend be = Backends.cpu(threads, 100)) {
              Sequence h = be.scan(a, b, o);
              if (first == null) {
                first = h;
              } else {
                assertSame(first, h, p + " " + kind + " " + o + " threads " + threads);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void backendEqualsSequentialForEveryThreadCountAndChunkSize() {
    for (Precision p : Precision.values()) {
      for (int w : LITERAL) {
        for (Kind kind : Kind.values()) {
          for (int n : new int[] {1, 2, 997}) {
            Sequence a = multipliers(p, n, w, kind, 21 + w);
            Sequence b = TestData.values(p, n, w, 22 + w);
            for (ScanOptions o : new ScanOptions[] {ScanOptions.defaults(),
                ScanOptions.reverse().withInitialState(TestData.state(w, 23))}) {
              Sequence expected = Backends.sequential().scan(a, b, o);
              if (n > 256) {
                // chunks of 256 steps contract over their first 32 only with FAST multipliers
                assertEquals(kind == Kind.FAST, new Chunks.Scan(a, b, a.allocateLike(), o)
                    .contracts(32), p + " width " + w + " " + kind + " " + o);
              }
              for (int threads : new int[] {1, 2, 3, 5}) {
                // settled chunks hold 8 × chunkElements values: 1, 24, 256 steps, all 997; the
                // inputs that do not contract over an eighth of that take the other ways
                for (int chunkElements : new int[] {w / 8, 3 * w, 32 * w, 1 << 15}) {
                  try (Backend be = Backends.cpu(threads, Math.max(1, chunkElements))) {
                    assertSame(expected, be.scan(a, b, o), p + " width " + w + " " + kind
                        + " steps " + n + " " + o + " threads " + threads + " chunk values "
                        + chunkElements);
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /** Views at one offset of their arrays take the settled scan; rows outside stay as they were. */
  @Test
  void viewsAtOneOffsetAndTheirNeighbours() {
    for (Precision p : Precision.values()) {
      int w = 64;
      int n = 300;
      Sequence a = multipliers(p, n, w, Kind.CONTRACTIVE, 31);
      Sequence b = TestData.values(p, n, w, 32);
      Sequence expected = Backends.sequential().scan(a, b, ScanOptions.defaults());
      Sequence bigA = Sequence.allocate(p, n + 7, w);
      Sequence bigB = Sequence.allocate(p, n + 7, w);
      Sequence bigOut = Sequence.allocate(p, n + 7, w);
      bigOut.fill(-3);
      Sequence av = bigA.slice(4, 4 + n);
      Sequence bv = bigB.slice(4, 4 + n);
      Sequence ov = bigOut.slice(4, 4 + n);
      a.copyTo(av);
      b.copyTo(bv);
      assertTrue(new Chunks.Scan(av, bv, ov, ScanOptions.defaults()).settled);
      try (Backend be = Backends.cpu(2, 8 * w)) {
        be.scan(av, bv, ScanOptions.defaults(), ov);
      }
      assertSame(expected, ov, p + " view at step 4");
      for (int t : new int[] {0, 1, 2, 3, n + 4, n + 5, n + 6}) {
        for (int c = 0; c < w; c++) {
          assertEquals(-3.0, bigOut.get(t, c), p + " row " + t + " outside the view");
        }
      }
    }
  }

  /** Bitwise equality of every element, where any NaN equals any NaN. */
  static void assertSame(Sequence expected, Sequence actual, String what) {
    for (int t = 0; t < expected.steps(); t++) {
      for (int c = 0; c < expected.width(); c++) {
        double e = expected.get(t, c);
        double x = actual.get(t, c);
        boolean same = Double.isNaN(e) ? Double.isNaN(x)
            : Double.doubleToRawLongBits(e) == Double.doubleToRawLongBits(x);
        if (!same) {
          fail(what + ": at step " + t + ", channel " + c + " expected bits of " + e + ", found "
              + x);
        }
      }
    }
  }
}
