package dev.longscan;

import static dev.longscan.TestData.assertBitwise;

import org.junit.jupiter.api.Test;

/** The CPU backend's results depend on the chunking only, never on the thread count or timing. */
class DeterminismTest {

  private static void sameForAllThreadCounts(Precision p, int n, int w, ScanOptions o) {
    Sequence a = TestData.multipliers(p, n, w, 21);
    Sequence b = TestData.values(p, n, w, 22);
    Sequence g = TestData.values(p, n, w, 23);
    Sequence first = null;
    Sequence firstGa = null;
    Sequence firstGb = null;
    double[] firstG0 = null;
    for (int threads : new int[] {1, 2, 3, 8}) {
      try (Backend be = Backends.cpu(threads, 1000)) {
        for (int run = 0; run < 3; run++) {
          Sequence h = be.scan(a, b, o);
          Sequence ga = a.allocateLike();
          Sequence gb = a.allocateLike();
          double[] g0 = new double[w];
          be.backward(a, h, g, o, ga, gb, g0);
          if (first == null) {
            first = h;
            firstGa = ga;
            firstGb = gb;
            firstG0 = g0;
          } else {
            String what = p + " " + o + " threads=" + threads + " run=" + run;
            assertBitwise(first, h, what + " h");
            assertBitwise(firstGa, ga, what + " gradA");
            assertBitwise(firstGb, gb, what + " gradB");
            assertBitwise(Sequence.of(firstG0, w), Sequence.of(g0, w), what + " gradH0");
          }
        }
      }
    }
  }

  @Test
  void oneChannelForwardAndReverse() {
    for (Precision p : Precision.values()) {
      sameForAllThreadCounts(p, 123_457, 1, ScanOptions.defaults());
      sameForAllThreadCounts(p, 123_457, 1, ScanOptions.reverse()
          .withInitialState(new double[] {0.5}));
    }
  }

  @Test
  void wideAndSegmented() {
    for (Precision p : Precision.values()) {
      sameForAllThreadCounts(p, 3001, 37, ScanOptions.defaults()
          .withSegmentStarts(TestData.starts(3001, 0.01, 3)));
      sameForAllThreadCounts(p, 3001, 37, ScanOptions.reverse()
          .withSegmentStarts(TestData.starts(3001, 0.01, 4)));
    }
  }

  /**
   * Wide inputs are split by channel, each block of columns scanned from start to end by one
   * worker, or (widths 32 and 64 here, without segments) scanned as guessed chunks settled in
   * order: the result must be the one-pass (sequential) result, bit for bit, whatever the number
   * of column blocks or chunks (threads).
   */
  @Test
  void channelSplitEqualsOnePassScan() {
    for (Precision p : Precision.values()) {
      for (int w : new int[] {32, 37, 64, 100}) {
        int n = 997;
        Sequence a = TestData.multipliers(p, n, w, 31);
        Sequence b = TestData.values(p, n, w, 32);
        double[] h0 = new double[w];
        java.util.Arrays.fill(h0, 0.25);
        for (ScanOptions o : new ScanOptions[] {ScanOptions.defaults(),
            ScanOptions.reverse().withInitialState(h0),
            ScanOptions.defaults().withSegmentStarts(TestData.starts(n, 0.02, 5))}) {
          Sequence expected = Backends.sequential().scan(a, b, o);
          for (int threads : new int[] {2, 3, 4}) {
            try (Backend be = Backends.cpu(threads, 1000)) {
              assertBitwise(expected, be.scan(a, b, o),
                  p + " width " + w + " threads " + threads + " " + o);
            }
          }
        }
      }
    }
  }

  /**
   * The wide kernels take a faster loop when a, b and out start at one offset; views at different
   * offsets take the general one. Both give the plain loop's results bit for bit, in scan and
   * reduce, forward and reverse, on one thread and on several.
   */
  @Test
  void wideKernelsAgreeAtEqualAndUnequalOffsets() {
    for (Precision p : Precision.values()) {
      for (int w : new int[] {2, 37, 64}) {
        int n = 501;
        Sequence a = TestData.multipliers(p, n, w, 41);
        Sequence b = TestData.values(p, n, w, 42);
        double[] h0 = new double[w];
        java.util.Arrays.fill(h0, -0.5);
        for (ScanOptions o : new ScanOptions[] {ScanOptions.defaults().withInitialState(h0),
            ScanOptions.reverse()}) {
          Sequence expected = Backends.sequential().scan(a, b, o);
          Summary whole = Backends.sequential().reduce(a, b, o);
          for (int[] off : new int[][] {{3, 3, 3}, {3, 1, 4}, {0, 2, 2}}) {
            Sequence av = placed(a, off[0]);
            Sequence bv = placed(b, off[1]);
            Sequence out = placed(a, off[2]);
            out.fill(Double.NaN);
            String what = p + " width " + w + " offsets " + java.util.Arrays.toString(off) + " "
                + o;
            for (int threads : new int[] {1, 2}) {
              try (Backend be = Backends.cpu(threads, 1 << 20)) {
                be.scan(av, bv, o, out);
                assertBitwise(expected, out, what + " threads " + threads);
                Summary s = be.reduce(av, bv, o);
                assertBitwise(Sequence.of(whole.a(), w), Sequence.of(s.a(), w), what + " reduce a");
                assertBitwise(Sequence.of(whole.b(), w), Sequence.of(s.b(), w), what + " reduce b");
              }
            }
          }
        }
      }
    }
  }

  /** The same for the backward pass: five arrays at one offset take the row loop. */
  @Test
  void wideBackwardAgreesAtEqualAndUnequalOffsets() {
    for (Precision p : Precision.values()) {
      for (int w : new int[] {2, 37, 64}) {
        int n = 401;
        Sequence a = TestData.multipliers(p, n, w, 61);
        Sequence h = TestData.values(p, n, w, 62);
        Sequence g = TestData.values(p, n, w, 63);
        double[] h0 = new double[w];
        java.util.Arrays.fill(h0, 0.75);
        for (ScanOptions o : new ScanOptions[] {ScanOptions.defaults().withInitialState(h0),
            ScanOptions.reverse()}) {
          Sequence ga0 = null;
          Sequence gb0 = null;
          double[] g00 = null;
          for (int[] off : new int[][] {{2, 2, 2, 2, 2}, {0, 0, 0, 0, 0}, {1, 3, 2, 4, 0},
              {2, 2, 2, 2, 3}}) {
            Sequence av = placed(a, off[0]);
            Sequence hv = placed(h, off[1]);
            Sequence gv = placed(g, off[2]);
            Sequence ga = placed(a, off[3]);
            Sequence gb = placed(a, off[4]);
            for (int threads : new int[] {1, 2}) {
              ga.fill(Double.NaN);
              gb.fill(Double.NaN);
              double[] g0 = new double[w];
              try (Backend be = Backends.cpu(threads, 1 << 20)) {
                be.backward(av, hv, gv, o, ga, gb, g0);
              }
              String what = p + " width " + w + " offsets " + java.util.Arrays.toString(off)
                  + " threads " + threads + " " + o;
              if (ga0 == null) {
                ga0 = ga.allocateLike();
                ga.copyTo(ga0);
                gb0 = gb.allocateLike();
                gb.copyTo(gb0);
                g00 = g0.clone();
              } else {
                assertBitwise(ga0, ga, what + " gradA");
                assertBitwise(gb0, gb, what + " gradB");
                assertBitwise(Sequence.of(g00, w), Sequence.of(g0, w), what + " gradH0");
              }
            }
          }
        }
      }
    }
  }

  /** A copy of s in a larger array, starting `lead` steps in: a view whose offset is lead * w. */
  private static Sequence placed(Sequence s, int lead) {
    Sequence big = Sequence.allocate(s.precision(), s.steps() + lead + 2, s.width());
    big.fill(Double.NaN);
    Sequence v = big.slice(lead, lead + s.steps());
    s.copyTo(v);
    return v;
  }
}
