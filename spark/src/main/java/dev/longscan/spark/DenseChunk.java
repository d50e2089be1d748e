package dev.longscan.spark;

import dev.longscan.DenseScan;
import dev.longscan.Precision;
import dev.longscan.Sequence;
import dev.longscan.ShapeException;
import java.io.Serializable;

/**
 * One chunk of a long series of the matrix-valued recurrence h_t = J_t h_{t−1} + b_t, for the RDD
 * entry point {@link Scans#scanDenseChunks}: {@code steps} consecutive steps of {@code batch}
 * independent series of n-vectors, in {@link DenseScan}'s layout — the transitions J time-major
 * [steps, batch, n, n] with row-major matrices (entry (r, c) of series s at step t at
 * {@code ((t·batch + s)·n + r)·n + c}), the offsets b [steps, batch, n] — float32 or float64,
 * the chunk's position in its series ({@code ordinal}, strictly increasing within a series, gaps
 * allowed) and the series it belongs to ({@code series}: a key; one long series: any constant).
 * Immutable; the arrays are not copied, so do not change them afterwards.
 */
public final class DenseChunk implements Serializable {
  private static final long serialVersionUID = 1L;
  private final long series;
  private final long ordinal;
  private final int n;
  private final int batch;
  private final float[] jf;
  private final float[] bf;
  private final double[] jd;
  private final double[] bd;

  private DenseChunk(long series, long ordinal, int n, int batch, float[] jf, float[] bf,
      double[] jd, double[] bd) {
    this.series = series;
    this.ordinal = ordinal;
    this.n = n;
    this.batch = batch;
    this.jf = jf;
    this.bf = bf;
    this.jd = jd;
    this.bd = bd;
  }

  /**
   * A float64 chunk: {@code j.length == steps·batch·n·n}, {@code b.length == steps·batch·n}, n in
   * [1, {@value DenseScan#MAX_N}].
   */
  public static DenseChunk of(long series, long ordinal, int n, int batch, double[] j,
      double[] b) {
    check(j == null ? -1 : j.length, b == null ? -1 : b.length, n, batch, series, ordinal);
    return new DenseChunk(series, ordinal, n, batch, null, null, j, b);
  }

  /** A float32 chunk, shaped as {@link #of(long, long, int, int, double[], double[])}. */
  public static DenseChunk of(long series, long ordinal, int n, int batch, float[] j, float[] b) {
    check(j == null ? -1 : j.length, b == null ? -1 : b.length, n, batch, series, ordinal);
    return new DenseChunk(series, ordinal, n, batch, j, b, null, null);
  }

  private static void check(int nj, int nb, int n, int batch, long series, long ordinal) {
    String where = " (series " + series + ", chunk ordinal " + ordinal + ")";
    if (nj < 0 || nb < 0) {
      throw new ShapeException("expected non-null arrays j and b, found "
          + (nj < 0 ? "j" : "b") + " null" + where);
    }
    if (n < 1 || n > DenseScan.MAX_N) {
      throw new ShapeException("expected n in [1, " + DenseScan.MAX_N + "], found " + n + where);
    }
    if (batch < 1) {
      throw new ShapeException("expected batch >= 1, found " + batch + where);
    }
    long width = (long) batch * n;
    if (nb % width != 0 || (long) nj != nb / width * width * n) {
      throw new ShapeException("expected b of steps·batch·n values and j of steps·batch·n·n"
          + " (batch " + batch + ", n " + n + "), found b.length=" + nb + ", j.length=" + nj
          + where);
    }
  }

  public long series() {
    return series;
  }

  public long ordinal() {
    return ordinal;
  }

  /** The dimension of one series' state. */
  public int n() {
    return n;
  }

  /** The number of independent series in the chunk. */
  public int batch() {
    return batch;
  }

  /** The width of a step's state and offsets: batch·n. */
  public int width() {
    return batch * n;
  }

  public int steps() {
    return (bf != null ? bf.length : bd.length) / width();
  }

  public Precision precision() {
    return jf != null ? Precision.FLOAT32 : Precision.FLOAT64;
  }

  /** The transitions as a view (not a copy): steps × (batch·n·n). */
  public Sequence j() {
    int w = width() * n;
    return jf != null ? Sequence.of(jf, w) : Sequence.of(jd, w);
  }

  /** The offsets as a view (not a copy): steps × (batch·n). */
  public Sequence b() {
    return bf != null ? Sequence.of(bf, width()) : Sequence.of(bd, width());
  }

  @Override
  public String toString() {
    return "DenseChunk[series=" + series + ", ordinal=" + ordinal + ", " + precision()
        + ", steps=" + steps() + ", batch=" + batch + ", n=" + n + "]";
  }
}
