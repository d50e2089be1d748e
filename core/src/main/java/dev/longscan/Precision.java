package dev.longscan;

/** Element type of a {@link Sequence}. */
public enum Precision {
  FLOAT32(4),
  FLOAT64(8);

  private final int bytes;

  Precision(int bytes) {
    this.bytes = bytes;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }
}
