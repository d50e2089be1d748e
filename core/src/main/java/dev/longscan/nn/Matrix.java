package dev.longscan.nn;

import dev.longscan.Precision;
import dev.longscan.ShapeException;

/**
 * A row-major matrix view on the Java heap: element (r, c) lives at {@code offset + r·ld + c} of a
 * float or double array. Activations of a layer are {@code [T·B × features]} matrices whose row
 * {@code t·B + b} is step t of sequence b (time-major). Views ({@link #rows(int, int)},
 * {@link #cols(int, int)}) share the array.
 */
public abstract class Matrix {
  final int rows;
  final int cols;
  final int offset;
  final int ld;

  Matrix(int rows, int cols, int offset, int ld) {
    this.rows = rows;
    this.cols = cols;
    this.offset = offset;
    this.ld = ld;
  }

  /** A new zero-filled matrix. */
  public static Matrix zeros(Precision precision, int rows, int cols) {
    if (rows < 0 || cols < 0) {
      throw new ShapeException("expected rows >= 0 and cols >= 0, found " + rows + " × " + cols);
    }
    long n = (long) rows * cols;
    if (n > Integer.MAX_VALUE - 8) {
      throw new ShapeException("expected rows × cols <= " + (Integer.MAX_VALUE - 8) + ", found "
          + rows + " × " + cols);
    }
    return precision == Precision.FLOAT32
        ? new F32(new float[(int) n], rows, cols, 0, cols)
        : new F64(new double[(int) n], rows, cols, 0, cols);
  }

  /** Wraps {@code data} (not copied) as a rows × cols matrix. */
  public static Matrix wrap(float[] data, int rows, int cols) {
    checkWrap(data.length, rows, cols);
    return new F32(data, rows, cols, 0, cols);
  }

  /** Wraps {@code data} (not copied) as a rows × cols matrix. */
  public static Matrix wrap(double[] data, int rows, int cols) {
    checkWrap(data.length, rows, cols);
    return new F64(data, rows, cols, 0, cols);
  }

  private static void checkWrap(int length, int rows, int cols) {
    if (rows < 0 || cols < 0 || (long) rows * cols != length) {
      throw new ShapeException("expected an array of rows × cols = " + rows + " × " + cols
          + " values, found " + length);
    }
  }

  public abstract Precision precision();

  public final int rows() {
    return rows;
  }

  public final int cols() {
    return cols;
  }

  /** True when the rows follow each other without gaps (ld == cols). */
  public final boolean isContiguous() {
    return ld == cols || rows <= 1;
  }

  public final double get(int r, int c) {
    check(r, c);
    return at(offset + r * ld + c);
  }

  public final void set(int r, int c, double v) {
    check(r, c);
    put(offset + r * ld + c, v);
  }

  private void check(int r, int c) {
    if (r < 0 || r >= rows || c < 0 || c >= cols) {
      throw new ShapeException("expected row in [0, " + rows + ") and column in [0, " + cols
          + "), found (" + r + ", " + c + ")");
    }
  }

  /** The view of rows [from, to). */
  public final Matrix rows(int from, int to) {
    if (from < 0 || to < from || to > rows) {
      throw new ShapeException("expected 0 <= from <= to <= " + rows + " rows, found [" + from
          + ", " + to + ")");
    }
    return view(to - from, cols, offset + from * ld, ld);
  }

  /** The view of columns [from, to). */
  public final Matrix cols(int from, int to) {
    if (from < 0 || to < from || to > cols) {
      throw new ShapeException("expected 0 <= from <= to <= " + cols + " columns, found [" + from
          + ", " + to + ")");
    }
    return view(rows, to - from, offset + from, ld);
  }

  /** A new zero-filled matrix of this shape and precision. */
  public final Matrix zerosLike() {
    return zeros(precision(), rows, cols);
  }

  /** A contiguous copy. */
  public final Matrix copy() {
    Matrix m = zerosLike();
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        m.put(r * cols + c, at(offset + r * ld + c));
      }
    }
    return m;
  }

  /** The values, row by row, as a new double array. */
  public final double[] toDoubleArray() {
    double[] out = new double[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out[r * cols + c] = at(offset + r * ld + c);
      }
    }
    return out;
  }

  /** Sets this view's values, row by row, from {@code values} (rows × cols of them). */
  public final void setAll(double[] values) {
    if (values.length != rows * cols) {
      throw new ShapeException("expected " + rows + " × " + cols + " = " + rows * cols
          + " values, found " + values.length);
    }
    for (int r = 0; r < rows; r++) {
      int o = offset + r * ld;
      for (int c = 0; c < cols; c++) {
        put(o + c, values[r * cols + c]);
      }
    }
  }

  /** Sets every element of this view to v. */
  public final void fill(double v) {
    if (isContiguous() && this instanceof F32) {
      java.util.Arrays.fill(((F32) this).data, offset, offset + rows * cols, (float) v);
      return;
    }
    if (isContiguous() && this instanceof F64) {
      java.util.Arrays.fill(((F64) this).data, offset, offset + rows * cols, v);
      return;
    }
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        put(offset + r * ld + c, v);
      }
    }
  }

  /** Copies src (same shape, any precision) into this view. */
  public final void copyFrom(Matrix src) {
    if (src.rows != rows || src.cols != cols) {
      throw new ShapeException("expected a " + rows + " × " + cols + " source, found " + src.rows
          + " × " + src.cols);
    }
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        put(offset + r * ld + c, src.at(src.offset + r * src.ld + c));
      }
    }
  }

  abstract double at(int i);

  abstract void put(int i, double v);

  abstract Matrix view(int rows, int cols, int offset, int ld);

  @Override
  public String toString() {
    return "Matrix[" + precision() + ", " + rows + " × " + cols + "]";
  }

  static final class F32 extends Matrix {
    final float[] data;

    F32(float[] data, int rows, int cols, int offset, int ld) {
      super(rows, cols, offset, ld);
      this.data = data;
    }

    @Override
    public Precision precision() {
      return Precision.FLOAT32;
    }

    @Override
    double at(int i) {
      return data[i];
    }

    @Override
    void put(int i, double v) {
      data[i] = (float) v;
    }

    @Override
    Matrix view(int rows, int cols, int offset, int ld) {
      return new F32(data, rows, cols, offset, ld);
    }
  }

  static final class F64 extends Matrix {
    final double[] data;

    F64(double[] data, int rows, int cols, int offset, int ld) {
      super(rows, cols, offset, ld);
      this.data = data;
    }

    @Override
    public Precision precision() {
      return Precision.FLOAT64;
    }

    @Override
    double at(int i) {
      return data[i];
    }

    @Override
    void put(int i, double v) {
      data[i] = v;
    }

    @Override
    Matrix view(int rows, int cols, int offset, int ld) {
      return new F64(data, rows, cols, offset, ld);
    }
  }
}
