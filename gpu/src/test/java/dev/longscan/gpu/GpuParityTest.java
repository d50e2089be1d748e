package dev.longscan.gpu;

import dev.longscan.Backend;
import dev.longscan.BackendContract;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * The core parity suite against the shared GPU backend (default configuration: 64 MiB chunks —
 * one chunk for every size tried here except the largest, whose float64 backward takes two —
 * look-back windows 128 / 64 tiles for the float32 / float64 width-1
 * scan and the width-1 backward, 64 for the segmented backward), with sizes around the kernels'
 * tiles (width 1: scan 4096 / 2048 steps for float32 / float64, reduce 8192 / 4096, backward
 * 4096 / 2048; wide: 128 steps, backward 32) and one large enough for the width-1 look-backs to
 * reach a full window of predecessors in both precisions (420 tiles of 4096 steps, 840 of 2048:
 * beyond the windows) and for the persistent scan and backward to have more tiles than resident
 * blocks on an H200 (396 plain, 264 segmented), so that blocks take several tiles. On a GPU with
 * more than 420 resident blocks that last property no longer holds for this size; the CUDA stress
 * programs (lab/gpu/stress.cu, bstress.cu) cap the grid to cover it on any device.
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
      return new int[] {2047, 2048, 2049, 4095, 4096, 4097, 8191, 8192, 8193, 420 * 4096 + 5};
    }
    return new int[] {31, 32, 33, 63, 64, 65, 127, 128, 129, 8 * 128 + 7};
  }
}
