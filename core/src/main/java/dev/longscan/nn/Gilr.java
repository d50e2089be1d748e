package dev.longscan.nn;

import java.util.SplittableRandom;

/**
 * GILR: g = σ(x U + b_g), i = tanh(x V + b_i), h_t = g_t ⊙ h_{t−1} + (1 − g_t) ⊙ i_t, with U and V
 * the two column blocks of one weight W = [U | V].
 */
final class Gilr extends AbstractLayer {
  private final Parameter w;
  private final Parameter b;
  private Matrix g;
  private Matrix i;
  private Matrix h;

  Gilr(String name, LayerSpec spec, Compute compute, SplittableRandom rnd) {
    super(name, spec, compute);
    w = weight("W", in, 2 * hidden, in, rnd);
    b = bias("b", 2 * hidden, 0, hidden, RETAIN_BIAS);
  }

  @Override
  public Matrix forward(Matrix input, int t) {
    begin(input, t);
    int hd = hidden;
    Matrix p = ws(1, n, 2 * hd);
    cc.matmul(x, false, w.value(), false, p, false);
    cc.addRowVector(b.value(), p);
    g = ws(2, n, hd);
    i = ws(3, n, hd);
    cc.sigmoid(p.cols(0, hd), g);
    cc.tanh(p.cols(hd, 2 * hd), i);
    Matrix bb = ws(4, n, hd);
    cc.oneMinusMul(g, i, bb);
    h = ws(5, n, hd);
    cc.scan(g, bb, steps, h);
    return h;
  }

  @Override
  public Matrix backward(Matrix dh) {
    checkGrad(dh);
    int hd = hidden;
    Matrix da = ws(6, n, hd);
    Matrix db = ws(7, n, hd);
    cc.scanBackward(g, h, whole(dh), steps, da, db);
    Matrix dp = ws(8, n, 2 * hd);
    Matrix dg = dp.cols(0, hd);
    Matrix di = dp.cols(hd, 2 * hd);
    cc.copy(da, dg);
    cc.subMul(db, i, dg);
    cc.oneMinusMul(g, db, di);
    cc.sigmoidGrad(g, dg, dg);
    cc.tanhGrad(i, di, di);
    cc.matmul(x, true, dp, false, w.grad(), true);
    cc.addColumnSums(dp, b.grad());
    Matrix dx = ws(9, n, in);
    cc.matmul(dp, false, w.value(), true, dx, false);
    return dx;
  }
}
