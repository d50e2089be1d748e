package dev.longscan.gpu;

import dev.longscan.Backend;
import dev.longscan.BackendContract;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** The core parity suite with pageable host copies (no pinned staging) and small chunks. */
@Tag("gpu")
class GpuPageableParityTest extends BackendContract {
  private static Backend backend;

  @BeforeAll
  static void requireGpu() {
    GpuTestSupport.assumeGpu();
    backend = GpuTestSupport.configured(256 << 10, 0, false, 8, 2);
  }

  @Override
  protected Backend backend() {
    return backend;
  }

  @Override
  protected int maxElements() {
    return 150_000;
  }
}
