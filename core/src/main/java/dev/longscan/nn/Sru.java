package dev.longscan.nn;

import java.util.SplittableRandom;

/**
 * SRU: f = σ(x W_f + b_f), r = σ(x W_r + b_r), x̃ = x W_x + b_x,
 * c_t = f_t ⊙ c_{t−1} + (1 − f_t) ⊙ x̃_t (scanned), h_t = r_t ⊙ tanh(c_t) + (1 − r_t) ⊙ s_t, with
 * the highway input s = x when the input and output sizes agree, else s = x W_s + b_s. The gates
 * are the column blocks f, r, x̃ (, s) of one weight.
 */
final class Sru extends AbstractLayer {
  private final boolean project;
  private final Parameter w;
  private final Parameter b;
  private Matrix f;
  private Matrix r;
  private Matrix xt;
  private Matrix c;
  private Matrix tc;
  private Matrix skip;

  Sru(String name, LayerSpec spec, Compute compute, SplittableRandom rnd) {
    super(name, spec, compute);
    project = in != hidden;
    int g = project ? 4 : 3;
    w = weight("W", in, g * hidden, in, rnd);
    b = bias("b", g * hidden, 0, hidden, RETAIN_BIAS);
  }

  @Override
  public Matrix forward(Matrix input, int t) {
    begin(input, t);
    int hd = hidden;
    int g = project ? 4 : 3;
    Matrix p = ws(1, n, g * hd);
    cc.matmul(x, false, w.value(), false, p, false);
    cc.addRowVector(b.value(), p);
    f = ws(2, n, hd);
    r = ws(3, n, hd);
    xt = ws(4, n, hd);
    cc.sigmoid(p.cols(0, hd), f);
    cc.sigmoid(p.cols(hd, 2 * hd), r);
    cc.copy(p.cols(2 * hd, 3 * hd), xt);
    Matrix bb = ws(5, n, hd);
    cc.oneMinusMul(f, xt, bb);
    c = ws(6, n, hd);
    cc.scan(f, bb, steps, c);
    tc = ws(7, n, hd);
    cc.tanh(c, tc);
    skip = project ? p.cols(3 * hd, 4 * hd) : x;
    Matrix h = ws(8, n, hd);
    cc.lerp(r, tc, skip, h);
    return h;
  }

  @Override
  public Matrix backward(Matrix dh) {
    checkGrad(dh);
    int hd = hidden;
    int g = project ? 4 : 3;
    Matrix dp = ws(9, n, g * hd);
    Matrix df = dp.cols(0, hd);
    Matrix dr = dp.cols(hd, 2 * hd);
    Matrix dxt = dp.cols(2 * hd, 3 * hd);
    cc.mulDiff(dh, tc, skip, dr);
    cc.sigmoidGrad(r, dr, dr);
    Matrix dc = ws(10, n, hd);
    cc.mul(dh, r, dc);
    cc.tanhGrad(tc, dc, dc);
    Matrix da = ws(11, n, hd);
    Matrix db = ws(12, n, hd);
    cc.scanBackward(f, c, dc, steps, da, db);
    cc.copy(da, df);
    cc.subMul(db, xt, df);
    cc.sigmoidGrad(f, df, df);
    cc.oneMinusMul(f, db, dxt);
    if (project) {
      cc.oneMinusMul(r, dh, dp.cols(3 * hd, 4 * hd));
    }
    cc.matmul(x, true, dp, false, w.grad(), true);
    cc.addColumnSums(dp, b.grad());
    Matrix dx = ws(13, n, in);
    cc.matmul(dp, false, w.value(), true, dx, false);
    if (!project) {
      cc.add(dh, dx);
      cc.subMul(r, dh, dx);
    }
    return dx;
  }
}
