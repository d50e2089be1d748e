package dev.longscan.nn;

import java.util.SplittableRandom;

/**
 * QRNN with fo-pooling and filter width k (k taps, x_t included): [Z | F | O] = Σ_{j<k} x_{t−j}
 * W_j + b (x before step 0 is 0), z = tanh(Z), f = σ(F), o = σ(O),
 * c_t = f_t ⊙ c_{t−1} + (1 − f_t) ⊙ z_t (scanned), h_t = o_t ⊙ c_t. The k taps are the row blocks
 * of one [k·in × 3·hidden] weight, tap j (the input j steps back) at rows [j·in, (j+1)·in).
 */
final class Qrnn extends AbstractLayer {
  private final int k;
  private final Parameter w;
  private final Parameter b;
  private Matrix z;
  private Matrix f;
  private Matrix o;
  private Matrix c;

  Qrnn(String name, LayerSpec spec, Compute compute, SplittableRandom rnd) {
    super(name, spec, compute);
    k = spec.width();
    w = weight("W", k * in, 3 * hidden, k * in, rnd);
    b = bias("b", 3 * hidden, hidden, 2 * hidden, RETAIN_BIAS);
  }

  @Override
  public Matrix forward(Matrix input, int t) {
    begin(input, t);
    int hd = hidden;
    Matrix p = ws(1, n, 3 * hd);
    for (int j = 0; j < k && j * batch < n; j++) {
      int shift = j * batch;
      cc.matmul(x.rows(0, n - shift), false, w.value().rows(j * in, (j + 1) * in), false,
          p.rows(shift, n), true);
    }
    cc.addRowVector(b.value(), p);
    z = ws(2, n, hd);
    f = ws(3, n, hd);
    o = ws(4, n, hd);
    cc.tanh(p.cols(0, hd), z);
    cc.sigmoid(p.cols(hd, 2 * hd), f);
    cc.sigmoid(p.cols(2 * hd, 3 * hd), o);
    Matrix bb = ws(5, n, hd);
    cc.oneMinusMul(f, z, bb);
    c = ws(6, n, hd);
    cc.scan(f, bb, steps, c);
    Matrix h = ws(7, n, hd);
    cc.mul(o, c, h);
    return h;
  }

  @Override
  public Matrix backward(Matrix dh) {
    checkGrad(dh);
    int hd = hidden;
    Matrix dp = ws(8, n, 3 * hd);
    Matrix dz = dp.cols(0, hd);
    Matrix df = dp.cols(hd, 2 * hd);
    Matrix dout = dp.cols(2 * hd, 3 * hd);
    cc.mul(dh, c, dout);
    cc.sigmoidGrad(o, dout, dout);
    Matrix dc = ws(9, n, hd);
    cc.mul(dh, o, dc);
    Matrix da = ws(10, n, hd);
    Matrix db = ws(11, n, hd);
    cc.scanBackward(f, c, dc, steps, da, db);
    cc.copy(da, df);
    cc.subMul(db, z, df);
    cc.sigmoidGrad(f, df, df);
    cc.oneMinusMul(f, db, dz);
    cc.tanhGrad(z, dz, dz);
    cc.addColumnSums(dp, b.grad());
    Matrix dx = ws(12, n, in);
    for (int j = 0; j < k && j * batch < n; j++) {
      int shift = j * batch;
      cc.matmul(x.rows(0, n - shift), true, dp.rows(shift, n), false,
          w.grad().rows(j * in, (j + 1) * in), true);
      cc.matmul(dp.rows(shift, n), false, w.value().rows(j * in, (j + 1) * in), true,
          dx.rows(0, n - shift), true);
    }
    return dx;
  }
}
