package dev.longscan.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.longscan.Backends;
import dev.longscan.Direction;
import dev.longscan.Precision;
import dev.longscan.ScanOptions;
import dev.longscan.Sequence;
import dev.longscan.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Sizes where the look-back runs over thousands of tiles in one launch, bitwise repeatability
 * there, and concurrent calls from several threads (each with its own lane).
 */
@Tag("gpu")
class GpuLargeTest {

  @BeforeAll
  static void requireGpu() {
    GpuTestSupport.assumeGpu();
  }

  @Test
  void longSeriesOverThousandsOfTilesMatchesTheReferenceAndRepeatsBitwise() {
    GpuBackend be = GpuTestSupport.shared();
    int n = (1 << 24) + 3;
    for (Precision p : Precision.values()) {
      Sequence a = TestData.multipliers(p, n, 1, 21);
      Sequence b = TestData.values(p, n, 1, 22);
      for (Direction d : Direction.values()) {
        ScanOptions o = ScanOptions.defaults().withDirection(d).withInitialState(new double[] {1.5})
            .withSegmentStarts(TestData.starts(n, 2e-6, 23));
        Sequence out = TestData.poisoned(p, n, 1);
        be.scan(a, b, o, out);
        TestData.assertClose(Backends.reference().scan(TestData.widen(a), TestData.widen(b), o),
            out, TestData.tolerance(p), "gpu " + p + " " + d + " n=" + n);
        Sequence again = TestData.poisoned(p, n, 1);
        be.scan(a, b, o, again);
        TestData.assertBitwise(out, again, "second run " + p + " " + d);
      }
    }
  }

  @Test
  void wideBackwardOverManyTilesMatchesTheReference() {
    GpuBackend be = GpuTestSupport.shared();
    int n = 30_011;
    int w = 97;
    for (Precision p : Precision.values()) {
      Sequence a = TestData.multipliers(p, n, w, 31);
      Sequence b = TestData.values(p, n, w, 32);
      Sequence g = TestData.values(p, n, w, 33);
      ScanOptions o = ScanOptions.reverse().withInitialState(TestData.state(w, 34))
          .withSegmentStarts(TestData.starts(n, 1e-3, 35));
      Sequence h = be.scan(a, b, o);
      Sequence ga = TestData.poisoned(p, n, w);
      Sequence gb = TestData.poisoned(p, n, w);
      double[] g0 = new double[w];
      be.backward(a, h, g, o, ga, gb, g0);
      Sequence ra = Sequence.allocate(Precision.FLOAT64, n, w);
      Sequence rb = Sequence.allocate(Precision.FLOAT64, n, w);
      double[] r0 = new double[w];
      Backends.reference().backward(TestData.widen(a), TestData.widen(h), TestData.widen(g), o,
          ra, rb, r0);
      double tol = TestData.tolerance(p);
      TestData.assertClose(ra, ga, tol, "gradA " + p);
      TestData.assertClose(rb, gb, tol, "gradB " + p);
      TestData.assertClose(r0, g0, tol * Math.sqrt(n), "gradH0 " + p);
    }
  }

  @Test
  void concurrentCallsFromManyThreadsGiveTheSingleThreadedResults() throws Exception {
    GpuBackend be = GpuTestSupport.shared();
    int threads = 8;
    List<Sequence[]> inputs = new ArrayList<>();
    List<Sequence> expected = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      int w = i % 2 == 0 ? 1 : 48;
      int n = w == 1 ? 1_500_007 + i : 20_011 + i;
      Sequence a = TestData.multipliers(Precision.FLOAT32, n, w, 100 + i);
      Sequence b = TestData.values(Precision.FLOAT32, n, w, 200 + i);
      inputs.add(new Sequence[] {a, b});
      expected.add(be.scan(a, b));
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 3; round++) {
        List<Future<Sequence>> fs = new ArrayList<>();
        for (Sequence[] in : inputs) {
          fs.add(pool.submit(() -> be.scan(in[0], in[1])));
        }
        for (int i = 0; i < threads; i++) {
          TestData.assertBitwise(expected.get(i), fs.get(i).get(), "thread " + i + " round "
              + round);
        }
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(Precision.FLOAT32, expected.get(0).precision());
  }
}
