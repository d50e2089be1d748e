package dev.longscan.optim;

import dev.longscan.nn.Matrix;
import dev.longscan.nn.Parameter;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

final class Sgd implements Optimizer {
  private final Schedule rate;
  private long t;

  Sgd(Schedule rate) {
    this.rate = rate;
  }

  @Override
  public String name() {
    return "sgd";
  }

  @Override
  public void step(List<Parameter> parameters) {
    t++;
    double lr = rate.at(t);
    for (Parameter p : parameters) {
      Matrix v = p.value();
      Matrix g = p.grad();
      for (int r = 0; r < v.rows(); r++) {
        for (int c = 0; c < v.cols(); c++) {
          v.set(r, c, v.get(r, c) - lr * g.get(r, c));
        }
      }
    }
  }

  @Override
  public long steps() {
    return t;
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    out.writeLong(t);
  }

  @Override
  public void readState(DataInput in, List<Parameter> parameters) throws IOException {
    t = in.readLong();
  }
}
