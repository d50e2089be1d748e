package dev.longscan.gpu;

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

/** Invalid arguments, requests larger than the device memory allowed, and device selection. */
@Tag("gpu")
class GpuErrorPathsTest {

  @BeforeAll
  static void requireGpu() {
    GpuTestSupport.assumeGpu();
  }

  private static void rejectedBeforeLaunch(Class<? extends Throwable> type, Executable call) {
    long before = Kernels.LAUNCHES.get();
    assertThrows(type, call);
    assertEquals(before, Kernels.LAUNCHES.get(), "a rejected call launched a kernel");
  }

  @Test
  void invalidArgumentsAreCaughtBeforeAnyLaunch() {
    Backend be = GpuTestSupport.shared();
    Sequence a = TestData.multipliers(Precision.FLOAT32, 1000, 3, 1);
    Sequence b = TestData.values(Precision.FLOAT32, 1000, 3, 2);
    Sequence out = a.allocateLike();
    ScanOptions o = ScanOptions.defaults();
    rejectedBeforeLaunch(ShapeException.class,
        () -> be.scan(a, Sequence.allocate(Precision.FLOAT32, 999, 3), o, out));
    rejectedBeforeLaunch(ShapeException.class,
        () -> be.scan(a, Sequence.allocate(Precision.FLOAT64, 1000, 3), o, out));
    rejectedBeforeLaunch(ShapeException.class, () -> be.scan(a, b, o, b));
    rejectedBeforeLaunch(ShapeException.class, () -> be.apply(a, b, new double[2], o, out));
    rejectedBeforeLaunch(ShapeException.class,
        () -> be.reduce(a, b, o.withSegmentStarts(new boolean[10])));
    rejectedBeforeLaunch(ShapeException.class,
        () -> be.backward(a, b, b, o, out, out, null));
    a.set(500, 1, Float.NaN);
    rejectedBeforeLaunch(NonFiniteException.class,
        () -> be.scan(a, b, o.withNonFinite(NonFinitePolicy.REJECT), out));
  }

  @Test
  void aDeviceMemoryBudgetBelowOneStepIsAClearError() {
    GpuBackend be = GpuTestSupport.configured(1 << 20, 4096, true, 8, 2);
    Sequence a = TestData.multipliers(Precision.FLOAT64, 10, 100_000, 1);
    Sequence b = TestData.values(Precision.FLOAT64, 10, 100_000, 2);
    long before = Kernels.LAUNCHES.get();
    LongscanException e = assertThrows(LongscanException.class, () -> be.scan(a, b));
    assertEquals(before, Kernels.LAUNCHES.get());
    assertTrue(e.getMessage().contains("device memory") && e.getMessage().contains("budget")
        && e.getMessage().contains("width 100000"), e.getMessage());
  }

  @Test
  void inputsLargerThanTheMemoryBudgetStreamThroughInChunks() {
    // 4 MiB of device memory for a call moving 3 x 8 MB (width 1) and 3 x 10 MB (width 40)
    GpuBackend be = GpuTestSupport.configured(1 << 20, 4 << 20, true, 8, 2);
    for (int w : new int[] {1, 40}) {
      int n = w == 1 ? 2_000_003 : 62_501;
      Sequence a = TestData.multipliers(Precision.FLOAT32, n, w, 3);
      Sequence b = TestData.values(Precision.FLOAT32, n, w, 4);
      ScanOptions o = ScanOptions.reverse().withSegmentStarts(TestData.starts(n, 1e-4, 5));
      Sequence out = TestData.poisoned(Precision.FLOAT32, n, w);
      be.scan(a, b, o, out);
      assertTrue(GpuBackend.LAST_CHUNKS.get()[0] > 4, "chunks: " + GpuBackend.LAST_CHUNKS.get()[0]);
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
