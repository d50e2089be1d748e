package dev.longscan.nn;

import java.util.SplittableRandom;

/**
 * The plain GRU, evaluated step by step (the baseline): with the column blocks r, z, n of the
 * weights, r = σ(x_t W_r + b_r + h_{t−1} U_r + c_r), z = σ(x_t W_z + b_z + h_{t−1} U_z + c_z),
 * n = tanh(x_t W_n + b_n + r ⊙ (h_{t−1} U_n + c_n)), h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}, from
 * h_{−1} = 0 (b: input bias, c: recurrent bias).
 */
final class Gru extends AbstractLayer {
  private final Parameter w;
  private final Parameter u;
  private final Parameter bw;
  private final Parameter bu;
  private Matrix r;
  private Matrix z;
  private Matrix nn;
  private Matrix hn;
  private Matrix h;

  Gru(String name, LayerSpec spec, Compute compute, SplittableRandom rnd) {
    super(name, spec, compute);
    w = weight("W", in, 3 * hidden, in + hidden, rnd);
    u = weight("U", hidden, 3 * hidden, in + hidden, rnd);
    bw = bias("b", 3 * hidden, hidden, 2 * hidden, RETAIN_BIAS);
    bu = bias("c", 3 * hidden, 0, 0, 0);
  }

  private Matrix step(Matrix m, int t) {
    return m.rows(t * batch, (t + 1) * batch);
  }

  @Override
  public Matrix forward(Matrix input, int t) {
    begin(input, t);
    int hd = hidden;
    Matrix px = ws(1, n, 3 * hd);
    cc.matmul(x, false, w.value(), false, px, false);
    cc.addRowVector(bw.value(), px);
    r = ws(2, n, hd);
    z = ws(3, n, hd);
    nn = ws(4, n, hd);
    hn = ws(5, n, hd);
    h = ws(6, n, hd);
    Matrix ph = ws(7, batch, 3 * hd);
    Matrix g = ws(8, batch, 2 * hd);
    Matrix h0 = ws(9, batch, hd);
    for (int s = 0; s < steps; s++) {
      Matrix prev = s > 0 ? step(h, s - 1) : h0;
      Matrix pxs = step(px, s);
      cc.matmul(prev, false, u.value(), false, ph, false);
      cc.addRowVector(bu.value(), ph);
      cc.copy(pxs.cols(0, 2 * hd), g);
      cc.add(ph.cols(0, 2 * hd), g);
      cc.sigmoid(g.cols(0, hd), step(r, s));
      cc.sigmoid(g.cols(hd, 2 * hd), step(z, s));
      cc.copy(ph.cols(2 * hd, 3 * hd), step(hn, s));
      Matrix ns = step(nn, s);
      cc.mul(step(r, s), step(hn, s), ns);
      cc.add(pxs.cols(2 * hd, 3 * hd), ns);
      cc.tanh(ns, ns);
      cc.lerp(step(z, s), prev, ns, step(h, s));
    }
    return h;
  }

  @Override
  public Matrix backward(Matrix dh) {
    checkGrad(dh);
    int hd = hidden;
    Matrix dpx = ws(10, n, 3 * hd);
    Matrix dph = ws(11, batch, 3 * hd);
    Matrix dhs = ws(12, batch, hd);
    Matrix dhCarry = ws(13, batch, hd);
    Matrix h0 = ws(14, batch, hd);
    for (int s = steps - 1; s >= 0; s--) {
      Matrix prev = s > 0 ? step(h, s - 1) : h0;
      cc.copy(step(dh, s), dhs);
      cc.add(dhCarry, dhs);
      Matrix dpxs = step(dpx, s);
      Matrix dr = dpxs.cols(0, hd);
      Matrix dz = dpxs.cols(hd, 2 * hd);
      Matrix dn = dpxs.cols(2 * hd, 3 * hd);
      cc.mulDiff(dhs, prev, step(nn, s), dz);
      cc.oneMinusMul(step(z, s), dhs, dn);
      cc.mul(step(z, s), dhs, dhCarry);
      cc.tanhGrad(step(nn, s), dn, dn);
      cc.mul(dn, step(hn, s), dr);
      cc.mul(dn, step(r, s), dph.cols(2 * hd, 3 * hd));
      cc.sigmoidGrad(step(r, s), dr, dr);
      cc.sigmoidGrad(step(z, s), dz, dz);
      cc.copy(dpxs.cols(0, 2 * hd), dph.cols(0, 2 * hd));
      cc.matmul(prev, true, dph, false, u.grad(), true);
      cc.addColumnSums(dph, bu.grad());
      cc.matmul(dph, false, u.value(), true, dhCarry, true);
    }
    cc.matmul(x, true, dpx, false, w.grad(), true);
    cc.addColumnSums(dpx, bw.grad());
    Matrix dx = ws(15, n, in);
    cc.matmul(dpx, false, w.value(), true, dx, false);
    return dx;
  }
}
