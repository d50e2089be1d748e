package dev.longscan.nn;

import dev.longscan.Backend;
import dev.longscan.ParameterException;
import dev.longscan.Precision;
import dev.longscan.ScanOptions;
import dev.longscan.Sequence;
import dev.longscan.ShapeException;
import dev.ludovic.netlib.blas.BLAS;

/** {@link Compute} on the CPU: netlib BLAS products, plain loops, the given backend's scans. */
final class CpuCompute implements Compute {
  private static final BLAS BLAS_INSTANCE = BLAS.getInstance();

  private final Precision precision;
  private final Backend backend;

  CpuCompute(Precision precision, Backend backend) {
    if (precision == null || backend == null) {
      throw new ParameterException("expected a precision and a backend, found "
          + precision + ", " + backend);
    }
    this.precision = precision;
    this.backend = backend;
  }

  /** The BLAS implementation in use: JNIBLAS on the native path. */
  static String blasName() {
    return BLAS_INSTANCE.getClass().getSimpleName();
  }

  @Override
  public Precision precision() {
    return precision;
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public Matrix zeros(int rows, int cols) {
    return Matrix.zeros(precision, rows, cols);
  }

  private void own(String op, Matrix m) {
    if (m.precision() != precision) {
      throw new ShapeException(op + ": expected " + precision + " matrices, found "
          + m.precision());
    }
  }

  @Override
  public void matmul(Matrix x, boolean transX, Matrix w, boolean transW, Matrix out,
      boolean accumulate) {
    own("matmul", x);
    own("matmul", w);
    own("matmul", out);
    int n = transX ? x.cols : x.rows;
    int k = transX ? x.rows : x.cols;
    int kw = transW ? w.cols : w.rows;
    int m = transW ? w.rows : w.cols;
    if (k != kw) {
      throw new ShapeException("matmul: expected op(w) to have " + k + " rows (op(x)'s columns),"
          + " found " + kw);
    }
    if (out.rows != n || out.cols != m) {
      throw new ShapeException("matmul: expected out of " + n + " × " + m + ", found " + out.rows
          + " × " + out.cols);
    }
    if (n == 0 || m == 0) {
      return;
    }
    if (k == 0) {
      if (!accumulate) {
        out.fill(0);
      }
      return;
    }
    // a row-major view with leading dimension ld is the column-major transpose with the same ld:
    // outᵀ = op(w)ᵀ · op(x)ᵀ
    String ta = transW ? "T" : "N";
    String tb = transX ? "T" : "N";
    int lda = Math.max(1, w.ld);
    int ldb = Math.max(1, x.ld);
    int ldc = Math.max(1, out.ld);
    if (precision == Precision.FLOAT32) {
      BLAS_INSTANCE.sgemm(ta, tb, m, n, k, 1f, ((Matrix.F32) w).data, w.offset, lda,
          ((Matrix.F32) x).data, x.offset, ldb, accumulate ? 1f : 0f, ((Matrix.F32) out).data,
          out.offset, ldc);
    } else {
      BLAS_INSTANCE.dgemm(ta, tb, m, n, k, 1.0, ((Matrix.F64) w).data, w.offset, lda,
          ((Matrix.F64) x).data, x.offset, ldb, accumulate ? 1.0 : 0.0, ((Matrix.F64) out).data,
          out.offset, ldc);
    }
  }

  private static void same(String op, Matrix a, Matrix b) {
    if (a.rows != b.rows || a.cols != b.cols) {
      throw new ShapeException(op + ": expected matrices of one shape, found " + a.rows + " × "
          + a.cols + " and " + b.rows + " × " + b.cols);
    }
  }

  @Override
  public void addRowVector(Matrix bias, Matrix out) {
    if (bias.rows != 1 || bias.cols != out.cols) {
      throw new ShapeException("addRowVector: expected a bias of 1 × " + out.cols + ", found "
          + bias.rows + " × " + bias.cols);
    }
    for (int r = 0; r < out.rows; r++) {
      int o = out.offset + r * out.ld;
      for (int c = 0; c < out.cols; c++) {
        out.put(o + c, out.at(o + c) + bias.at(bias.offset + c));
      }
    }
  }

  @Override
  public void addColumnSums(Matrix src, Matrix dst) {
    if (dst.rows != 1 || dst.cols != src.cols) {
      throw new ShapeException("addColumnSums: expected dst of 1 × " + src.cols + ", found "
          + dst.rows + " × " + dst.cols);
    }
    double[] acc = new double[src.cols];
    for (int r = 0; r < src.rows; r++) {
      int o = src.offset + r * src.ld;
      for (int c = 0; c < src.cols; c++) {
        acc[c] += src.at(o + c);
      }
    }
    for (int c = 0; c < src.cols; c++) {
      dst.put(dst.offset + c, dst.at(dst.offset + c) + acc[c]);
    }
  }

  /** tanh through the exp intrinsic (Math.tanh is not one): absolute error about 1e-16. */
  static double tanh(double x) {
    if (x > 20) {
      return 1;
    }
    if (x < -20) {
      return -1;
    }
    double e = Math.exp(2 * x);
    return (e - 1) / (e + 1);
  }

  private static boolean f32(Matrix a, Matrix b) {
    return a instanceof Matrix.F32 && b instanceof Matrix.F32;
  }

  private static float[] f(Matrix m) {
    return ((Matrix.F32) m).data;
  }

  @Override
  public void sigmoid(Matrix src, Matrix dst) {
    same("sigmoid", src, dst);
    if (f32(src, dst)) {
      float[] sa = f(src);
      float[] da = f(dst);
      for (int r = 0; r < src.rows; r++) {
        int s = src.offset + r * src.ld;
        int d = dst.offset + r * dst.ld;
        for (int c = 0; c < src.cols; c++) {
          da[d + c] = (float) (1.0 / (1.0 + Math.exp(-sa[s + c])));
        }
      }
      return;
    }
    for (int r = 0; r < src.rows; r++) {
      int s = src.offset + r * src.ld;
      int d = dst.offset + r * dst.ld;
      for (int c = 0; c < src.cols; c++) {
        dst.put(d + c, 1.0 / (1.0 + Math.exp(-src.at(s + c))));
      }
    }
  }

  @Override
  public void tanh(Matrix src, Matrix dst) {
    same("tanh", src, dst);
    if (f32(src, dst)) {
      float[] sa = f(src);
      float[] da = f(dst);
      for (int r = 0; r < src.rows; r++) {
        int s = src.offset + r * src.ld;
        int d = dst.offset + r * dst.ld;
        for (int c = 0; c < src.cols; c++) {
          da[d + c] = (float) tanh(sa[s + c]);
        }
      }
      return;
    }
    for (int r = 0; r < src.rows; r++) {
      int s = src.offset + r * src.ld;
      int d = dst.offset + r * dst.ld;
      for (int c = 0; c < src.cols; c++) {
        dst.put(d + c, tanh(src.at(s + c)));
      }
    }
  }

  @Override
  public void sigmoidGrad(Matrix y, Matrix dy, Matrix dst) {
    same("sigmoidGrad", y, dy);
    same("sigmoidGrad", y, dst);
    if (f32(y, dy) && dst instanceof Matrix.F32) {
      float[] ya = f(y);
      float[] g = f(dy);
      float[] da = f(dst);
      for (int r = 0; r < y.rows; r++) {
        int iy = y.offset + r * y.ld;
        int ig = dy.offset + r * dy.ld;
        int id = dst.offset + r * dst.ld;
        for (int c = 0; c < y.cols; c++) {
          float v = ya[iy + c];
          da[id + c] = g[ig + c] * v * (1 - v);
        }
      }
      return;
    }
    for (int r = 0; r < y.rows; r++) {
      int iy = y.offset + r * y.ld;
      int ig = dy.offset + r * dy.ld;
      int id = dst.offset + r * dst.ld;
      for (int c = 0; c < y.cols; c++) {
        double v = y.at(iy + c);
        dst.put(id + c, dy.at(ig + c) * v * (1 - v));
      }
    }
  }

  @Override
  public void tanhGrad(Matrix y, Matrix dy, Matrix dst) {
    same("tanhGrad", y, dy);
    same("tanhGrad", y, dst);
    if (f32(y, dy) && dst instanceof Matrix.F32) {
      float[] ya = f(y);
      float[] g = f(dy);
      float[] da = f(dst);
      for (int r = 0; r < y.rows; r++) {
        int iy = y.offset + r * y.ld;
        int ig = dy.offset + r * dy.ld;
        int id = dst.offset + r * dst.ld;
        for (int c = 0; c < y.cols; c++) {
          float v = ya[iy + c];
          da[id + c] = g[ig + c] * (1 - v * v);
        }
      }
      return;
    }
    for (int r = 0; r < y.rows; r++) {
      int iy = y.offset + r * y.ld;
      int ig = dy.offset + r * dy.ld;
      int id = dst.offset + r * dst.ld;
      for (int c = 0; c < y.cols; c++) {
        double v = y.at(iy + c);
        dst.put(id + c, dy.at(ig + c) * (1 - v * v));
      }
    }
  }

  @Override
  public void mul(Matrix a, Matrix b, Matrix dst) {
    binary("mul", a, b, dst, 0);
  }

  @Override
  public void addMul(Matrix a, Matrix b, Matrix dst) {
    binary("addMul", a, b, dst, 1);
  }

  @Override
  public void subMul(Matrix a, Matrix b, Matrix dst) {
    binary("subMul", a, b, dst, 2);
  }

  @Override
  public void oneMinusMul(Matrix f, Matrix z, Matrix dst) {
    binary("oneMinusMul", f, z, dst, 3);
  }

  private static void binary(String op, Matrix a, Matrix b, Matrix dst, int kind) {
    same(op, a, b);
    same(op, a, dst);
    if (f32(a, b) && dst instanceof Matrix.F32) {
      float[] x = f(a);
      float[] y = f(b);
      float[] d = f(dst);
      for (int r = 0; r < a.rows; r++) {
        int ia = a.offset + r * a.ld;
        int ib = b.offset + r * b.ld;
        int id = dst.offset + r * dst.ld;
        int n = a.cols;
        switch (kind) {
          case 0:
            for (int c = 0; c < n; c++) {
              d[id + c] = x[ia + c] * y[ib + c];
            }
            break;
          case 1:
            for (int c = 0; c < n; c++) {
              d[id + c] += x[ia + c] * y[ib + c];
            }
            break;
          case 2:
            for (int c = 0; c < n; c++) {
              d[id + c] -= x[ia + c] * y[ib + c];
            }
            break;
          default:
            for (int c = 0; c < n; c++) {
              d[id + c] = (1 - x[ia + c]) * y[ib + c];
            }
            break;
        }
      }
      return;
    }
    for (int r = 0; r < a.rows; r++) {
      int ia = a.offset + r * a.ld;
      int ib = b.offset + r * b.ld;
      int id = dst.offset + r * dst.ld;
      for (int c = 0; c < a.cols; c++) {
        double x = a.at(ia + c);
        double y = b.at(ib + c);
        double v;
        switch (kind) {
          case 0: v = x * y; break;
          case 1: v = dst.at(id + c) + x * y; break;
          case 2: v = dst.at(id + c) - x * y; break;
          default: v = (1 - x) * y; break;
        }
        dst.put(id + c, v);
      }
    }
  }

  @Override
  public void lerp(Matrix r, Matrix t, Matrix s, Matrix dst) {
    ternary("lerp", r, t, s, dst, 0);
  }

  @Override
  public void mulDiff(Matrix g, Matrix t, Matrix s, Matrix dst) {
    ternary("mulDiff", g, t, s, dst, 1);
  }

  private static void ternary(String op, Matrix p, Matrix t, Matrix s, Matrix dst, int kind) {
    same(op, p, t);
    same(op, p, s);
    same(op, p, dst);
    if (f32(p, t) && f32(s, dst)) {
      float[] pa = f(p);
      float[] ta = f(t);
      float[] sa = f(s);
      float[] da = f(dst);
      for (int r = 0; r < p.rows; r++) {
        int ip = p.offset + r * p.ld;
        int it = t.offset + r * t.ld;
        int is = s.offset + r * s.ld;
        int id = dst.offset + r * dst.ld;
        if (kind == 0) {
          for (int c = 0; c < p.cols; c++) {
            float x = pa[ip + c];
            da[id + c] = x * ta[it + c] + (1 - x) * sa[is + c];
          }
        } else {
          for (int c = 0; c < p.cols; c++) {
            da[id + c] = pa[ip + c] * (ta[it + c] - sa[is + c]);
          }
        }
      }
      return;
    }
    for (int r = 0; r < p.rows; r++) {
      int ip = p.offset + r * p.ld;
      int it = t.offset + r * t.ld;
      int is = s.offset + r * s.ld;
      int id = dst.offset + r * dst.ld;
      for (int c = 0; c < p.cols; c++) {
        double x = p.at(ip + c);
        double tv = t.at(it + c);
        double sv = s.at(is + c);
        dst.put(id + c, kind == 0 ? x * tv + (1 - x) * sv : x * (tv - sv));
      }
    }
  }

  @Override
  public void add(Matrix src, Matrix dst) {
    same("add", src, dst);
    if (f32(src, dst)) {
      float[] sa = f(src);
      float[] da = f(dst);
      for (int r = 0; r < src.rows; r++) {
        int o = src.offset + r * src.ld;
        int d = dst.offset + r * dst.ld;
        for (int c = 0; c < src.cols; c++) {
          da[d + c] += sa[o + c];
        }
      }
      return;
    }
    for (int r = 0; r < src.rows; r++) {
      int s = src.offset + r * src.ld;
      int d = dst.offset + r * dst.ld;
      for (int c = 0; c < src.cols; c++) {
        dst.put(d + c, dst.at(d + c) + src.at(s + c));
      }
    }
  }

  @Override
  public void copy(Matrix src, Matrix dst) {
    same("copy", src, dst);
    if (f32(src, dst)) {
      for (int r = 0; r < src.rows; r++) {
        System.arraycopy(f(src), src.offset + r * src.ld, f(dst), dst.offset + r * dst.ld,
            src.cols);
      }
      return;
    }
    dst.copyFrom(src);
  }

  @Override
  public void scale(Matrix m, double alpha) {
    for (int r = 0; r < m.rows; r++) {
      int o = m.offset + r * m.ld;
      for (int c = 0; c < m.cols; c++) {
        m.put(o + c, m.at(o + c) * alpha);
      }
    }
  }

  @Override
  public double sumSquares(Matrix m) {
    double s = 0;
    for (int r = 0; r < m.rows; r++) {
      int o = m.offset + r * m.ld;
      for (int c = 0; c < m.cols; c++) {
        double v = m.at(o + c);
        s += v * v;
      }
    }
    return s;
  }

  private Sequence sequence(String op, String name, Matrix m, int steps) {
    own(op, m);
    if (m.offset != 0 || !m.isContiguous()
        || (m instanceof Matrix.F32 ? ((Matrix.F32) m).data.length
            : ((Matrix.F64) m).data.length) != m.rows * m.cols) {
      throw new ShapeException(op + ": expected " + name + " to be a whole matrix (not a view),"
          + " found a view of " + m.rows + " × " + m.cols);
    }
    if (steps < 0 || (steps == 0 ? m.rows != 0 : m.rows % steps != 0)) {
      throw new ShapeException(op + ": expected " + name + "'s rows (" + m.rows + ") to be a"
          + " multiple of steps " + steps);
    }
    int width = steps == 0 ? Math.max(1, m.cols) : m.rows / steps * m.cols;
    if (width == 0) {
      width = 1;
    }
    return m instanceof Matrix.F32 ? Sequence.of(((Matrix.F32) m).data, width)
        : Sequence.of(((Matrix.F64) m).data, width);
  }

  @Override
  public void scan(Matrix a, Matrix b, int steps, Matrix h) {
    same("scan", a, b);
    same("scan", a, h);
    if (a.rows * a.cols == 0) {
      return;
    }
    backend.scan(sequence("scan", "a", a, steps), sequence("scan", "b", b, steps),
        ScanOptions.defaults(), sequence("scan", "h", h, steps));
  }

  @Override
  public void scanBackward(Matrix a, Matrix h, Matrix dh, int steps, Matrix da, Matrix db) {
    same("scanBackward", a, h);
    same("scanBackward", a, dh);
    same("scanBackward", a, da);
    same("scanBackward", a, db);
    if (a.rows * a.cols == 0) {
      return;
    }
    backend.backward(sequence("scanBackward", "a", a, steps),
        sequence("scanBackward", "h", h, steps), sequence("scanBackward", "dh", dh, steps),
        ScanOptions.defaults(), sequence("scanBackward", "da", da, steps),
        sequence("scanBackward", "db", db, steps), null);
  }

  @Override
  public String toString() {
    return "CpuCompute[" + precision + ", " + backend.name() + ", BLAS " + blasName() + "]";
  }
}
