package dev.longscan.nn;

import java.util.SplittableRandom;

/**
 * The plain LSTM, evaluated step by step (the baseline): [F | I | O | Z] = x_t V + h_{t−1} U + b,
 * f, i, o = σ(·), z = tanh(·), c_t = f_t ⊙ c_{t−1} + i_t ⊙ z_t, h_t = o_t ⊙ tanh(c_t), from
 * h_{−1} = c_{−1} = 0. The input products run over all T·B rows at once; the recurrent ones step
 * by step.
 */
final class Lstm extends AbstractLayer {
  private final Parameter v;
  private final Parameter u;
  private final Parameter b;
  private Matrix f;
  private Matrix ig;
  private Matrix o;
  private Matrix z;
  private Matrix c;
  private Matrix tc;
  private Matrix h;

  Lstm(String name, LayerSpec spec, Compute compute, SplittableRandom rnd) {
    super(name, spec, compute);
    v = weight("V", in, 4 * hidden, in + hidden, rnd);
    u = weight("U", hidden, 4 * hidden, in + hidden, rnd);
    b = bias("b", 4 * hidden, 0, hidden, RETAIN_BIAS);
  }

  private Matrix step(Matrix m, int t) {
    return m.rows(t * batch, (t + 1) * batch);
  }

  @Override
  public Matrix forward(Matrix input, int t) {
    begin(input, t);
    int hd = hidden;
    Matrix p = ws(1, n, 4 * hd);
    cc.matmul(x, false, v.value(), false, p, false);
    cc.addRowVector(b.value(), p);
    f = ws(2, n, hd);
    ig = ws(3, n, hd);
    o = ws(4, n, hd);
    z = ws(5, n, hd);
    c = ws(6, n, hd);
    tc = ws(7, n, hd);
    h = ws(8, n, hd);
    for (int s = 0; s < steps; s++) {
      Matrix ps = step(p, s);
      if (s > 0) {
        cc.matmul(step(h, s - 1), false, u.value(), false, ps, true);
      }
      cc.sigmoid(ps.cols(0, hd), step(f, s));
      cc.sigmoid(ps.cols(hd, 2 * hd), step(ig, s));
      cc.sigmoid(ps.cols(2 * hd, 3 * hd), step(o, s));
      cc.tanh(ps.cols(3 * hd, 4 * hd), step(z, s));
      Matrix cs = step(c, s);
      cc.mul(step(ig, s), step(z, s), cs);
      if (s > 0) {
        cc.addMul(step(f, s), step(c, s - 1), cs);
      }
      cc.tanh(cs, step(tc, s));
      cc.mul(step(o, s), step(tc, s), step(h, s));
    }
    return h;
  }

  @Override
  public Matrix backward(Matrix dh) {
    checkGrad(dh);
    int hd = hidden;
    Matrix dp = ws(9, n, 4 * hd);
    Matrix dhs = ws(10, batch, hd);
    Matrix dhCarry = ws(11, batch, hd);
    Matrix dcs = ws(12, batch, hd);
    Matrix dcCarry = ws(13, batch, hd);
    for (int s = steps - 1; s >= 0; s--) {
      cc.copy(step(dh, s), dhs);
      cc.add(dhCarry, dhs);
      Matrix dps = step(dp, s);
      Matrix df = dps.cols(0, hd);
      Matrix di = dps.cols(hd, 2 * hd);
      Matrix dout = dps.cols(2 * hd, 3 * hd);
      Matrix dz = dps.cols(3 * hd, 4 * hd);
      cc.mul(dhs, step(tc, s), dout);
      cc.mul(dhs, step(o, s), dcs);
      cc.tanhGrad(step(tc, s), dcs, dcs);
      cc.add(dcCarry, dcs);
      if (s > 0) {
        cc.mul(dcs, step(c, s - 1), df);
      }
      cc.mul(dcs, step(z, s), di);
      cc.mul(dcs, step(ig, s), dz);
      cc.mul(dcs, step(f, s), dcCarry);
      cc.sigmoidGrad(step(f, s), df, df);
      cc.sigmoidGrad(step(ig, s), di, di);
      cc.sigmoidGrad(step(o, s), dout, dout);
      cc.tanhGrad(step(z, s), dz, dz);
      if (s > 0) {
        cc.matmul(step(h, s - 1), true, dps, false, u.grad(), true);
        cc.matmul(dps, false, u.value(), true, dhCarry, false);
      }
    }
    cc.matmul(x, true, dp, false, v.grad(), true);
    cc.addColumnSums(dp, b.grad());
    Matrix dx = ws(14, n, in);
    cc.matmul(dp, false, v.value(), true, dx, false);
    return dx;
  }
}
