package dev.longscan.gpu;

import dev.longscan.Backend;
import dev.longscan.BackendContract;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * The core parity suite with inputs streamed through the device in many small chunks (32 KiB of
 * inputs and outputs per chunk), carries handed from chunk to chunk on the device, and look-back
 * windows of 3 tiles (width 1) and 1 tile (wide), so that both look-back paths (prefix W tiles
 * back, and the carry entering the launch) run at every size.
 */
@Tag("gpu")
class GpuStreamingParityTest extends BackendContract {
  private static Backend backend;

  @BeforeAll
  static void requireGpu() {
    GpuTestSupport.assumeGpu();
    backend = GpuTestSupport.configured(32 << 10, 0, true, 3, 1);
  }

  @Override
  protected Backend backend() {
    return backend;
  }

  @Override
  protected int[] boundarySizes(int width) {
    return width == 1 ? new int[] {4095, 4096, 4097, 12289} : new int[] {127, 128, 129, 1025};
  }
}
