package dev.longscan;

import static dev.longscan.TestData.assertBitwise;

import org.junit.jupiter.api.Test;

/** The parity suite on the single-thread backend, and which kernels it picks for each shape. */
class SingleThreadBackendTest extends BackendContract {
  @Override
  protected Backend backend() {
    return Backends.singleThread();
  }

  /**
   * One channel and wide inputs without segments: bitwise the parallel backend on one thread;
   * segmented inputs and narrow widths above one: bitwise the sequential backend.
   */
  @Test
  void picksTheParallelKernelsOrTheSequentialLoopByShape() {
    for (Precision p : Precision.values()) {
      for (int w : new int[] {1, 5, 64}) {
        int n = 70001;
        Sequence a = TestData.multipliers(p, n, w, 51);
        Sequence b = TestData.values(p, n, w, 52);
        for (ScanOptions o : new ScanOptions[] {ScanOptions.defaults(), ScanOptions.reverse(),
            ScanOptions.defaults().withSegmentStarts(TestData.starts(n, 0.001, 7))}) {
          boolean fast = !o.isSegmented() && (w == 1 || w >= 32);
          Sequence expected;
          try (Backend one = Backends.cpu(1)) {
            expected = fast ? one.scan(a, b, o) : Backends.sequential().scan(a, b, o);
          }
          assertBitwise(expected, Backends.singleThread().scan(a, b, o),
              p + " width " + w + " " + o);
        }
      }
    }
  }
}
