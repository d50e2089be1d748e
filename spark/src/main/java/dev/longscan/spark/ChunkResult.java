package dev.longscan.spark;

import dev.longscan.Precision;
import dev.longscan.Sequence;
import java.io.Serializable;

/**
 * The scanned states of one {@link Chunk}: h for each of its steps (same shape and precision as
 * the chunk's coefficients), with the chunk's series and ordinal.
 */
public final class ChunkResult implements Serializable {
  private static final long serialVersionUID = 1L;
  private final long series;
  private final long ordinal;
  private final int width;
  private final float[] hf;
  private final double[] hd;

  ChunkResult(long series, long ordinal, int width, float[] hf, double[] hd) {
    this.series = series;
    this.ordinal = ordinal;
    this.width = width;
    this.hf = hf;
    this.hd = hd;
  }

  /** The states of a chunk; h's array is used as it is when h covers all of it. */
  static ChunkResult of(long series, long ordinal, Sequence h) {
    if (h.precision() == Precision.FLOAT32) {
      float[] f = h.offset() == 0 && h.floatArray().length == h.size() ? h.floatArray()
          : h.toFloatArray();
      return new ChunkResult(series, ordinal, h.width(), f, null);
    }
    double[] d = h.offset() == 0 && h.doubleArray().length == h.size() ? h.doubleArray()
        : h.toDoubleArray();
    return new ChunkResult(series, ordinal, h.width(), null, d);
  }

  public long series() {
    return series;
  }

  public long ordinal() {
    return ordinal;
  }

  public int width() {
    return width;
  }

  public int steps() {
    return (hf != null ? hf.length : hd.length) / width;
  }

  public Precision precision() {
    return hf != null ? Precision.FLOAT32 : Precision.FLOAT64;
  }

  /** The states as a view (not a copy), time-major. */
  public Sequence h() {
    return hf != null ? Sequence.of(hf, width) : Sequence.of(hd, width);
  }

  @Override
  public String toString() {
    return "ChunkResult[series=" + series + ", ordinal=" + ordinal + ", " + precision()
        + ", steps=" + steps() + ", width=" + width + "]";
  }
}
