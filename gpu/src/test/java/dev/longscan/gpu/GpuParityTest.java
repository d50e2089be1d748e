package dev.longscan.gpu;

import dev.longscan.Backend;
import dev.longscan.BackendContract;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * The core parity suite against the shared GPU backend (default configuration: one chunk for
 * every size tried here, look-back window 128 tiles), with sizes around the kernels' tiles
 * (width 1: scan 4096 / 2048 steps for float32 / float64, reduce 8192 / 4096, backward 2048 /
 * 1024; wide: scan 64 steps, reduce 128, backward 32) and one large enough for the scan's
 * look-back to reach a full window of predecessors (129 tiles of 4096 steps).
 */
@Tag("gpu")
class GpuParityTest extends BackendContract {

  @BeforeAll
  static void requireGpu() {
    GpuTestSupport.assumeGpu();
  }

  @Override
  protected Backend backend() {
    return GpuTestSupport.shared();
  }

  @Override
  protected int maxElements() {
    return 1_200_000;
  }

  @Override
  protected int[] boundarySizes(int width) {
    if (width == 1) {
      return new int[] {1023, 1024, 1025, 2047, 2048, 2049, 4095, 4096, 4097, 8191, 8192, 8193,
          129 * 4096 + 5};
    }
    return new int[] {31, 32, 33, 63, 64, 65, 127, 128, 129, 8 * 128 + 7};
  }
}
