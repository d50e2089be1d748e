package dev.longscan;

import java.util.Arrays;

/**
 * A time-major buffer of {@code steps × width} values on the Java heap: step t, channel d lives at
 * {@code offset() + t * width() + d} of the backing array. {@code width == 1} is one long series.
 *
 * <p>A sequence is a view: {@link #slice} shares the backing array without copying, so chunks of
 * one large array can be handed to different threads or tasks. Float32 sequences are backed by a
 * {@code float[]}, float64 ones by a {@code double[]}.
 */
public final class Sequence {
  private final float[] f;
  private final double[] d;
  private final int offset;
  private final int steps;
  private final int width;

  private Sequence(float[] f, double[] d, int offset, int steps, int width) {
    this.f = f;
    this.d = d;
    this.offset = offset;
    this.steps = steps;
    this.width = width;
  }

  /** Wraps {@code data} (not copied) as {@code data.length / width} steps of {@code width} channels. */
  public static Sequence of(float[] data, int width) {
    Checks.notNull(data, "data");
    checkWholeSteps(data.length, width);
    return new Sequence(data, null, 0, data.length / width, width);
  }

  /** Wraps {@code data} (not copied) as {@code data.length / width} steps of {@code width} channels. */
  public static Sequence of(double[] data, int width) {
    Checks.notNull(data, "data");
    checkWholeSteps(data.length, width);
    return new Sequence(null, data, 0, data.length / width, width);
  }

  /** One channel: wraps {@code data} (not copied) as {@code data.length} steps. */
  public static Sequence of(float[] data) {
    return of(data, 1);
  }

  /** One channel: wraps {@code data} (not copied) as {@code data.length} steps. */
  public static Sequence of(double[] data) {
    return of(data, 1);
  }

  /** A new zero-filled sequence. */
  public static Sequence allocate(Precision precision, int steps, int width) {
    Checks.notNull(precision, "precision");
    if (steps < 0) {
      throw new ShapeException("expected steps >= 0, found " + steps);
    }
    if (width < 1) {
      throw new ShapeException("expected width >= 1, found " + width);
    }
    long n = (long) steps * width;
    if (n > Integer.MAX_VALUE - 8) {
      throw new ShapeException("expected steps * width <= " + (Integer.MAX_VALUE - 8)
          + " (one Java array), found " + steps + " * " + width + " = " + n
          + "; split the series into chunks");
    }
    return precision == Precision.FLOAT32
        ? new Sequence(new float[(int) n], null, 0, steps, width)
        : new Sequence(null, new double[(int) n], 0, steps, width);
  }

  /** A new zero-filled sequence with the same shape and precision as this one. */
  public Sequence allocateLike() {
    return allocate(precision(), steps, width);
  }

  private static void checkWholeSteps(int length, int width) {
    if (width < 1) {
      throw new ShapeException("expected width >= 1, found " + width);
    }
    if (length % width != 0) {
      throw new ShapeException("expected an array length that is a multiple of width " + width
          + ", found length " + length);
    }
  }

  /** A view of steps {@code [from, to)}; shares this sequence's array. */
  public Sequence slice(int from, int to) {
    if (from < 0 || to < from || to > steps) {
      throw new ShapeException("expected 0 <= from <= to <= " + steps + ", found from=" + from
          + ", to=" + to);
    }
    return new Sequence(f, d, offset + from * width, to - from, width);
  }

  public Precision precision() {
    return f != null ? Precision.FLOAT32 : Precision.FLOAT64;
  }

  public int steps() {
    return steps;
  }

  public int width() {
    return width;
  }

  /** Number of values, {@code steps × width}. */
  public int size() {
    return steps * width;
  }

  /** Index in the backing array of step 0, channel 0. */
  public int offset() {
    return offset;
  }

  /** The backing array of a float32 sequence (shared, not copied). */
  public float[] floatArray() {
    if (f == null) {
      throw new ShapeException("expected a FLOAT32 sequence, found FLOAT64");
    }
    return f;
  }

  /** The backing array of a float64 sequence (shared, not copied). */
  public double[] doubleArray() {
    if (d == null) {
      throw new ShapeException("expected a FLOAT64 sequence, found FLOAT32");
    }
    return d;
  }

  /** Value at step t, channel c. */
  public double get(int t, int c) {
    int i = index(t, c);
    return f != null ? f[i] : d[i];
  }

  /** Sets the value at step t, channel c (rounded to float32 for a float32 sequence). */
  public void set(int t, int c, double v) {
    int i = index(t, c);
    if (f != null) {
      f[i] = (float) v;
    } else {
      d[i] = v;
    }
  }

  private int index(int t, int c) {
    if (t < 0 || t >= steps || c < 0 || c >= width) {
      throw new ShapeException("expected step in [0, " + steps + ") and channel in [0, " + width
          + "), found step " + t + ", channel " + c);
    }
    return offset + t * width + c;
  }

  /** Value at flat index i of this view (t * width + c), unchecked beyond the array's own check. */
  double at(int i) {
    return f != null ? f[offset + i] : d[offset + i];
  }

  /** Sets flat index i of this view (t * width + c). */
  void put(int i, double v) {
    if (f != null) {
      f[offset + i] = (float) v;
    } else {
      d[offset + i] = v;
    }
  }

  /** Sets every value of this view to {@code v}. */
  public void fill(double v) {
    if (f != null) {
      Arrays.fill(f, offset, offset + size(), (float) v);
    } else {
      Arrays.fill(d, offset, offset + size(), v);
    }
  }

  /** The values of this view as a new double array, time-major. */
  public double[] toDoubleArray() {
    double[] out = new double[size()];
    if (f != null) {
      for (int i = 0; i < out.length; i++) {
        out[i] = f[offset + i];
      }
    } else {
      System.arraycopy(d, offset, out, 0, out.length);
    }
    return out;
  }

  /** The values of this view as a new float array, time-major (rounded for float64). */
  public float[] toFloatArray() {
    float[] out = new float[size()];
    if (f != null) {
      System.arraycopy(f, offset, out, 0, out.length);
    } else {
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) d[offset + i];
      }
    }
    return out;
  }

  /** Copies this view's values into {@code dst}, which must have the same shape (any precision). */
  public void copyTo(Sequence dst) {
    Checks.sameShape("dst", dst, "this", this);
    if (f != null && dst.f != null) {
      System.arraycopy(f, offset, dst.f, dst.offset, size());
    } else if (d != null && dst.d != null) {
      System.arraycopy(d, offset, dst.d, dst.offset, size());
    } else {
      for (int i = 0, n = size(); i < n; i++) {
        double v = f != null ? f[offset + i] : d[offset + i];
        if (dst.f != null) {
          dst.f[dst.offset + i] = (float) v;
        } else {
          dst.d[dst.offset + i] = v;
        }
      }
    }
  }

  /** True when the two views share a backing array and their ranges intersect. */
  public boolean overlaps(Sequence other) {
    boolean same = (f != null && f == other.f) || (d != null && d == other.d);
    return same && size() > 0 && other.size() > 0
        && offset < other.offset + other.size() && other.offset < offset + size();
  }

  @Override
  public String toString() {
    return "Sequence[" + precision() + ", steps=" + steps + ", width=" + width + "]";
  }
}
