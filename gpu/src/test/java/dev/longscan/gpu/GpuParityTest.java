package dev.longscan.gpu;

import dev.longscan.Backend;
import dev.longscan.BackendContract;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * The core parity suite against the shared GPU backend (default configuration: one chunk for
 * every size tried here, look-back windows 128 / 64 tiles for the float32 / float64 width-1
 * scan, 32 for the width-1 backward), with sizes around the kernels' tiles (width 1: scan 4096 / 2048 steps for float32 /
 * float64, reduce 8192 / 4096, backward 4096 / 2048; wide: 128 steps, backward 32) and one large
 * enough for the scan's look-back to reach a full window of predecessors in both precisions
 * (260 tiles of 4096 steps, 520 of 2048: beyond the windows; in float64 more tiles than
 * the persistent scan's resident blocks even on an H200, 396, so that blocks take several tiles).
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
      return new int[] {2047, 2048, 2049, 4095, 4096, 4097, 8191, 8192, 8193, 260 * 4096 + 5};
    }
    return new int[] {31, 32, 33, 63, 64, 65, 127, 128, 129, 8 * 128 + 7};
  }
}
