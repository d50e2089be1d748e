package dev.longscan.nn;

import java.util.SplittableRandom;

/** y = x W + b on every row. */
final class Dense extends AbstractLayer {
  private final Parameter w;
  private final Parameter b;

  Dense(String name, LayerSpec spec, Compute compute, SplittableRandom rnd) {
    super(name, spec, compute);
    w = weight("W", in, hidden, in, rnd);
    b = bias("b", hidden, 0, 0, 0);
  }

  @Override
  public Matrix forward(Matrix input, int t) {
    begin(input, t);
    Matrix y = ws(1, n, hidden);
    cc.matmul(x, false, w.value(), false, y, false);
    cc.addRowVector(b.value(), y);
    return y;
  }

  @Override
  public Matrix backward(Matrix dy) {
    checkGrad(dy);
    cc.matmul(x, true, dy, false, w.grad(), true);
    cc.addColumnSums(dy, b.grad());
    Matrix dx = ws(2, n, in);
    cc.matmul(dy, false, w.value(), true, dx, false);
    return dx;
  }
}
