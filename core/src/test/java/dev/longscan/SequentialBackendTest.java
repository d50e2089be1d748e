package dev.longscan;

/** The parity suite on the single-threaded backend that works in the data's precision. */
class SequentialBackendTest extends BackendContract {
  @Override
  protected Backend backend() {
    return Backends.sequential();
  }
}
