package dev.longscan.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.Backend;
import dev.longscan.Backends;
import dev.longscan.BackendUnavailableException;
import dev.longscan.LongscanException;
import dev.longscan.NonFiniteException;
import dev.longscan.NonFinitePolicy;
import dev.longscan.Precision;
import dev.longscan.ScanOptions;
import dev.longscan.Sequence;
import dev.longscan.ShapeException;
import dev.longscan.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Invalid arguments (rejected before the output is written), requests larger than the device
 * memory allowed, and device selection.
 */
@Tag("gpu")
class GpuErrorPathsTest {

  @BeforeAll
  static void requireGpu() {
    GpuTestSupport.assumeGpu();
  }

  /** Every value of s, in order (a snapshot to compare bitwise after a call). */
  private static long[] bits(Sequence s) {
    long[] v = new long[s.steps() * s.width()];
    for (int t = 0; t < s.steps(); t++) {
      for (int c = 0; c < s.width(); c++) {
        v[t * s.width() + c] = Double.doubleToRawLongBits(s.get(t, c));
      }
    }
    return v;
  }

  /** The call throws {@code type} and leaves {@code written} (what it would write) untouched. */
  private static void rejectedUntouched(Class<? extends Throwable> type, Executable call,
      Sequence written) {
    long[] before = bits(written);
    assertThrows(type, call);
    assertArrayEquals(before, bits(written), "a rejected call wrote its output");
  }

  @Test
  void invalidArgumentsAreRejectedBeforeTheOutputIsWritten() {
    Backend be = GpuTestSupport.shared();
    Sequence a = TestData.multipliers(Precision.FLOAT32, 1000, 3, 1);
    Sequence b = TestData.values(Precision.FLOAT32, 1000, 3, 2);
    Sequence out = TestData.poisoned(Precision.FLOAT32, 1000, 3);
    ScanOptions o = ScanOptions.defaults();
    rejectedUntouched(ShapeException.class,
        () -> be.scan(a, Sequence.allocate(Precision.FLOAT32, 999, 3), o, out), out);
    rejectedUntouched(ShapeException.class,
        () -> be.scan(a, Sequence.allocate(Precision.FLOAT64, 1000, 3), o, out), out);
    rejectedUntouched(ShapeException.class, () -> be.scan(a, b, o, b), b);
    rejectedUntouched(ShapeException.class, () -> be.apply(a, b, new double[2], o, out), out);
    assertThrows(ShapeException.class,
        () -> be.reduce(a, b, o.withSegmentStarts(new boolean[10])));
    rejectedUntouched(ShapeException.class, () -> be.backward(a, b, b, o, out, out, null), out);
    a.set(500, 1, Float.NaN);
    rejectedUntouched(NonFiniteException.class,
        () -> be.scan(a, b, o.withNonFinite(NonFinitePolicy.REJECT), out), out);
  }

  @Test
  void aDeviceMemoryBudgetBelowOneStepIsAClearError() {
    GpuBackend be = GpuTestSupport.configured(1 << 20, 4096, true, 8, 2);
    Sequence a = TestData.multipliers(Precision.FLOAT64, 10, 100_000, 1);
    Sequence b = TestData.values(Precision.FLOAT64, 10, 100_000, 2);
    Sequence out = TestData.poisoned(Precision.FLOAT64, 10, 100_000);
    long[] before = bits(out);
    LongscanException e = assertThrows(LongscanException.class,
        () -> be.scan(a, b, ScanOptions.defaults(), out));
    assertArrayEquals(before, bits(out), "the rejected call wrote its output");
    assertTrue(e.getMessage().contains("device memory") && e.getMessage().contains("budget")
        && e.getMessage().contains("width 100000"), e.getMessage());
  }

  @Test
  void inputsLargerThanTheMemoryBudgetStreamThroughInChunks() {
    // 4 MiB of device memory for a call moving 3 x 8 MB (width 1) and 3 x 10 MB (width 40)
    long budget = 4 << 20;
    GpuBackend be = GpuTestSupport.configured(1 << 20, budget, true, 8, 2);
    for (int w : new int[] {1, 40}) {
      int n = w == 1 ? 2_000_003 : 62_501;
      // the plan: chunks of at most a quarter of the steps, so the call streams at least 5
      int rows = be.chunkRows(n, w, 4, 3L * 4 * w + 1,
          Kernels.rows(Kernels.Op.SCAN, true, w > 1), be.config.chunkBytes);
      assertTrue(3L * 4 * n * w > budget && rows < n / 4, "rows per chunk: " + rows + " of " + n);
      Sequence a = TestData.multipliers(Precision.FLOAT32, n, w, 3);
      Sequence b = TestData.values(Precision.FLOAT32, n, w, 4);
      ScanOptions o = ScanOptions.reverse().withSegmentStarts(TestData.starts(n, 1e-4, 5));
      Sequence out = TestData.poisoned(Precision.FLOAT32, n, w);
      be.scan(a, b, o, out);
      TestData.assertClose(Backends.reference().scan(TestData.widen(a), TestData.widen(b), o), out,
          TestData.tolerance(Precision.FLOAT32), "streamed scan, width " + w);
    }
  }

  @Test
  void ordinalsOutOfRangeAreRejected() {
    int n = new GpuProvider().deviceCount();
    BackendUnavailableException e =
        assertThrows(BackendUnavailableException.class, () -> new GpuProvider().open(n + 3));
    assertTrue(e.getMessage().contains("found " + (n + 3)), e.getMessage());
  }
}
