package dev.longscan;

/** The parity suite on the shared CPU backend (default chunk size, all cores). */
class CpuBackendDefaultChunksTest extends BackendContract {
  @Override
  protected Backend backend() {
    return Backends.cpu();
  }

  @Override
  protected int[] boundarySizes(int width) {
    int cs = Math.max(1, CpuBackend.DEFAULT_CHUNK_ELEMENTS / width);
    return new int[] {cs - 1, cs, cs + 1, 3 * cs + 5};
  }
}
