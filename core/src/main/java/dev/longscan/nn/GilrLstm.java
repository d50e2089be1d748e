package dev.longscan.nn;

import java.util.SplittableRandom;

/**
 * GILR-LSTM: a GILR surrogate h̃ of the output feeds the LSTM gates,
 * f, i, o = σ(h̃_{t−1} U + x_t V + b), z = tanh(h̃_{t−1} U_z + x_t V_z + b_z),
 * c_t = f_t ⊙ c_{t−1} + i_t ⊙ z_t (a linear recurrence in c, scanned), h_t = o_t ⊙ c_t.
 * The four gates are the column blocks f, i, o, z of U, V and b.
 */
final class GilrLstm extends AbstractLayer {
  private final Gilr surrogate;
  private final Parameter v;
  private final Parameter u;
  private final Parameter b;
  private Matrix s;
  private Matrix f;
  private Matrix ig;
  private Matrix o;
  private Matrix z;
  private Matrix c;

  GilrLstm(String name, LayerSpec spec, Compute compute, SplittableRandom rnd) {
    super(name, spec, compute);
    surrogate = new Gilr(name + ".surrogate", LayerSpec.of(LayerKind.GILR, in, hidden), compute,
        rnd);
    adopt(surrogate.parameters());
    v = weight("V", in, 4 * hidden, in + hidden, rnd);
    u = weight("U", hidden, 4 * hidden, in + hidden, rnd);
    b = bias("b", 4 * hidden, 0, hidden, RETAIN_BIAS);
  }

  @Override
  public Matrix forward(Matrix input, int t) {
    begin(input, t);
    int hd = hidden;
    Matrix ht = surrogate.forward(input, t);
    s = ws(1, n, hd);
    shiftDown(ht, s);
    Matrix p = ws(2, n, 4 * hd);
    cc.matmul(x, false, v.value(), false, p, false);
    cc.matmul(s, false, u.value(), false, p, true);
    cc.addRowVector(b.value(), p);
    f = ws(3, n, hd);
    ig = ws(4, n, hd);
    o = ws(5, n, hd);
    z = ws(6, n, hd);
    cc.sigmoid(p.cols(0, hd), f);
    cc.sigmoid(p.cols(hd, 2 * hd), ig);
    cc.sigmoid(p.cols(2 * hd, 3 * hd), o);
    cc.tanh(p.cols(3 * hd, 4 * hd), z);
    Matrix bb = ws(7, n, hd);
    cc.mul(ig, z, bb);
    c = ws(8, n, hd);
    cc.scan(f, bb, steps, c);
    Matrix h = ws(9, n, hd);
    cc.mul(o, c, h);
    return h;
  }

  @Override
  public Matrix backward(Matrix dh) {
    checkGrad(dh);
    int hd = hidden;
    Matrix dp = ws(10, n, 4 * hd);
    Matrix df = dp.cols(0, hd);
    Matrix di = dp.cols(hd, 2 * hd);
    Matrix dout = dp.cols(2 * hd, 3 * hd);
    Matrix dz = dp.cols(3 * hd, 4 * hd);
    cc.mul(dh, c, dout);
    Matrix dc = ws(11, n, hd);
    cc.mul(dh, o, dc);
    Matrix da = ws(12, n, hd);
    Matrix db = ws(13, n, hd);
    cc.scanBackward(f, c, dc, steps, da, db);
    cc.copy(da, df);
    cc.mul(db, z, di);
    cc.mul(db, ig, dz);
    cc.sigmoidGrad(f, df, df);
    cc.sigmoidGrad(ig, di, di);
    cc.sigmoidGrad(o, dout, dout);
    cc.tanhGrad(z, dz, dz);
    cc.matmul(x, true, dp, false, v.grad(), true);
    cc.matmul(s, true, dp, false, u.grad(), true);
    cc.addColumnSums(dp, b.grad());
    Matrix ds = ws(14, n, hd);
    cc.matmul(dp, false, u.value(), true, ds, false);
    Matrix dht = ws(15, n, hd);
    shiftUp(ds, dht);
    Matrix dx = surrogate.backward(dht);
    cc.matmul(dp, false, v.value(), true, dx, true);
    return dx;
  }
}
