package dev.longscan.optim;

import dev.longscan.ParameterException;
import dev.longscan.nn.Matrix;
import dev.longscan.nn.Parameter;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Adam with bias correction; moments in float64 whatever the parameters' precision. */
final class Adam implements Optimizer {
  private final Schedule rate;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final List<double[]> m = new ArrayList<>();
  private final List<double[]> v = new ArrayList<>();
  private long t;

  Adam(Schedule rate, double beta1, double beta2, double eps) {
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new ParameterException("Adam: expected β1 and β2 in [0, 1), found " + beta1 + " and "
          + beta2);
    }
    if (!(eps > 0)) {
      throw new ParameterException("Adam: expected ε > 0, found " + eps);
    }
    this.rate = rate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
  }

  @Override
  public String name() {
    return "adam";
  }

  private void ensure(List<Parameter> parameters) {
    if (m.isEmpty()) {
      for (Parameter p : parameters) {
        int size = p.value().rows() * p.value().cols();
        m.add(new double[size]);
        v.add(new double[size]);
      }
    }
    if (m.size() != parameters.size()) {
      throw new ParameterException("Adam: expected " + m.size() + " parameters (as in earlier"
          + " steps), found " + parameters.size());
    }
  }

  @Override
  public void step(List<Parameter> parameters) {
    ensure(parameters);
    t++;
    double lr = rate.at(t);
    double c1 = 1 - Math.pow(beta1, t);
    double c2 = 1 - Math.pow(beta2, t);
    for (int k = 0; k < parameters.size(); k++) {
      Matrix val = parameters.get(k).value();
      double[] theta = val.toDoubleArray();
      double[] g = parameters.get(k).grad().toDoubleArray();
      double[] mk = m.get(k);
      double[] vk = v.get(k);
      for (int i = 0; i < theta.length; i++) {
        double gi = g[i];
        mk[i] = beta1 * mk[i] + (1 - beta1) * gi;
        vk[i] = beta2 * vk[i] + (1 - beta2) * gi * gi;
        double mhat = mk[i] / c1;
        double vhat = vk[i] / c2;
        theta[i] -= lr * mhat / (Math.sqrt(vhat) + eps);
      }
      val.setAll(theta);
    }
  }

  @Override
  public long steps() {
    return t;
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    out.writeLong(t);
    out.writeInt(m.size());
    for (int k = 0; k < m.size(); k++) {
      out.writeInt(m.get(k).length);
      for (double d : m.get(k)) {
        out.writeDouble(d);
      }
      for (double d : v.get(k)) {
        out.writeDouble(d);
      }
    }
  }

  @Override
  public void readState(DataInput in, List<Parameter> parameters) throws IOException {
    long steps = in.readLong();
    int count = in.readInt();
    if (count != 0 && count != parameters.size()) {
      throw new ParameterException("Adam state: expected moments for " + parameters.size()
          + " parameters, found " + count);
    }
    m.clear();
    v.clear();
    for (int k = 0; k < count; k++) {
      int len = in.readInt();
      int expected = parameters.get(k).value().rows() * parameters.get(k).value().cols();
      if (len != expected) {
        throw new ParameterException("Adam state: expected " + expected + " moments for "
            + parameters.get(k).name() + ", found " + len);
      }
      double[] mk = new double[len];
      double[] vk = new double[len];
      for (int i = 0; i < len; i++) {
        mk[i] = in.readDouble();
      }
      for (int i = 0; i < len; i++) {
        vk[i] = in.readDouble();
      }
      m.add(mk);
      v.add(vk);
    }
    t = steps;
  }
}
