package dev.longscan;

import org.junit.jupiter.api.AfterAll;

/** The parity suite on the parallel CPU backend with small chunks (many chunk boundaries). */
class CpuBackendTest extends BackendContract {
  private static final Backend BACKEND = Backends.cpu(3, 64);

  @AfterAll
  static void close() {
    BACKEND.close();
  }

  @Override
  protected Backend backend() {
    return BACKEND;
  }

  @Override
  protected int[] boundarySizes(int width) {
    int cs = Math.max(1, 64 / width);
    return new int[] {cs - 1, cs, cs + 1, 2 * cs - 1, 2 * cs + 1, 7 * cs + 3};
  }
}
