package dev.longscan.spark;

import dev.longscan.Precision;
import dev.longscan.Sequence;
import dev.longscan.ShapeException;
import java.io.Serializable;

/**
 * One chunk of a long series for the RDD entry point {@link Scans#scanChunks}: the coefficients
 * (a, b) of {@code steps} consecutive steps of {@code width} channels (time-major, float32 or
 * float64), the chunk's position in its series ({@code ordinal}, strictly increasing within a
 * series, gaps allowed) and the series it belongs to ({@code series}; one long series: any
 * constant). Immutable; the arrays are not copied, so do not change them afterwards.
 */
public final class Chunk implements Serializable {
  private static final long serialVersionUID = 1L;
  private final long series;
  private final long ordinal;
  private final int width;
  private final float[] af;
  private final float[] bf;
  private final double[] ad;
  private final double[] bd;

  private Chunk(long series, long ordinal, int width, float[] af, float[] bf, double[] ad,
      double[] bd) {
    this.series = series;
    this.ordinal = ordinal;
    this.width = width;
    this.af = af;
    this.bf = bf;
    this.ad = ad;
    this.bd = bd;
  }

  /** A float64 chunk of one channel in series 0. */
  public static Chunk of(long ordinal, double[] a, double[] b) {
    return of(0, ordinal, 1, a, b);
  }

  /** A float32 chunk of one channel in series 0. */
  public static Chunk of(long ordinal, float[] a, float[] b) {
    return of(0, ordinal, 1, a, b);
  }

  /** A float64 chunk: {@code a.length == b.length == steps × width}. */
  public static Chunk of(long series, long ordinal, int width, double[] a, double[] b) {
    check(a == null ? -1 : a.length, b == null ? -1 : b.length, width, series, ordinal);
    return new Chunk(series, ordinal, width, null, null, a, b);
  }

  /** A float32 chunk: {@code a.length == b.length == steps × width}. */
  public static Chunk of(long series, long ordinal, int width, float[] a, float[] b) {
    check(a == null ? -1 : a.length, b == null ? -1 : b.length, width, series, ordinal);
    return new Chunk(series, ordinal, width, a, b, null, null);
  }

  private static void check(int na, int nb, int width, long series, long ordinal) {
    String where = " (series " + series + ", chunk ordinal " + ordinal + ")";
    if (na < 0 || nb < 0) {
      throw new ShapeException("expected non-null arrays a and b, found "
          + (na < 0 ? "a" : "b") + " null" + where);
    }
    if (width < 1) {
      throw new ShapeException("expected width >= 1, found " + width + where);
    }
    if (na != nb || na % width != 0) {
      throw new ShapeException("expected a and b of one equal length that is a multiple of width "
          + width + ", found a.length=" + na + ", b.length=" + nb + where);
    }
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
    return (af != null ? af.length : ad.length) / width;
  }

  public Precision precision() {
    return af != null ? Precision.FLOAT32 : Precision.FLOAT64;
  }

  /** The multiplicative coefficients as a view (not a copy). */
  public Sequence a() {
    return af != null ? Sequence.of(af, width) : Sequence.of(ad, width);
  }

  /** The additive coefficients as a view (not a copy). */
  public Sequence b() {
    return bf != null ? Sequence.of(bf, width) : Sequence.of(bd, width);
  }

  @Override
  public String toString() {
    return "Chunk[series=" + series + ", ordinal=" + ordinal + ", " + precision() + ", steps="
        + steps() + ", width=" + width + "]";
  }
}
