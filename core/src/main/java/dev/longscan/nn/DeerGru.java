package dev.longscan.nn;

import dev.longscan.Precision;
import dev.longscan.Sequence;
import dev.longscan.deer.Cell;
import dev.longscan.deer.Cells;
import dev.longscan.deer.Deer;
import dev.longscan.deer.DeerGradients;
import dev.longscan.deer.DeerResult;
import java.util.SplittableRandom;

/**
 * The GRU of {@link Gru} (same parameters, drawn in the same order), its recurrence solved for all
 * steps at once by a DEER solver, warm-started from the previous call's solution when the shapes
 * match; the gradients by the adjoint at the solution ({@link Deer#gradients}). A solve that does
 * not converge throws {@link NotConvergedException}.
 */
final class DeerGru extends AbstractLayer {
  private final Parameter w;
  private final Parameter u;
  private final Parameter bw;
  private final Parameter bu;
  private final Solver solver;
  private final Deer deer;
  private Cell cell;
  private Sequence xs;
  private Sequence solution;
  private double[] y0;

  DeerGru(String name, LayerSpec spec, Compute compute, SplittableRandom rnd, Solver solver) {
    super(name, spec, compute);
    w = weight("W", in, 3 * hidden, in + hidden, rnd);
    u = weight("U", hidden, 3 * hidden, in + hidden, rnd);
    bw = bias("b", 3 * hidden, hidden, 2 * hidden, RETAIN_BIAS);
    bu = bias("c", 3 * hidden, 0, 0, 0);
    this.solver = solver;
    this.deer = solver.deer();
  }

  /** θ in the layout of {@link Cells#gru}: W (3n × m), U (3n × n), b_i, b_h; ours are transposed. */
  private double[] theta() {
    int h3 = 3 * hidden;
    double[] t = new double[Cells.gruParameters(hidden, in)];
    Matrix wv = w.value();
    Matrix uv = u.value();
    int o = 0;
    for (int g = 0; g < h3; g++) {
      for (int k = 0; k < in; k++) {
        t[o++] = wv.get(k, g);
      }
    }
    for (int g = 0; g < h3; g++) {
      for (int j = 0; j < hidden; j++) {
        t[o++] = uv.get(j, g);
      }
    }
    for (int g = 0; g < h3; g++) {
      t[o++] = bw.value().get(0, g);
    }
    for (int g = 0; g < h3; g++) {
      t[o++] = bu.value().get(0, g);
    }
    return t;
  }

  private Sequence sequence(Matrix m, int width) {
    double[] v = m.toDoubleArray();
    if (cc.precision() == Precision.FLOAT32) {
      float[] f = new float[v.length];
      for (int i = 0; i < v.length; i++) {
        f[i] = (float) v[i];
      }
      return Sequence.of(f, width);
    }
    return Sequence.of(v, width);
  }

  @Override
  public Matrix forward(Matrix input, int t) {
    begin(input, t);
    cell = Cells.gru(hidden, in, theta());
    xs = sequence(x, batch * in);
    y0 = new double[batch * hidden];
    Sequence warm = solution != null && solution.steps() == steps
        && solution.width() == batch * hidden && solution.precision() == cc.precision()
        ? solution : null;
    DeerResult r = deer.solve(cell, xs, y0, warm);
    if (!r.converged()) {
      solution = null;
      throw new NotConvergedException(name + ": " + r.method() + " did not converge (T = " + steps
          + ", B = " + batch + "): " + r.iterations() + " iterations used, residual " + r.residual()
          + " at the best iteration " + r.bestIteration() + ", last residual "
          + (r.residuals().length == 0 ? Double.NaN : r.residuals()[r.residuals().length - 1])
          + r.nonFinite().map(nf -> "; non-finite value " + nf).orElse("")
          + "; try --solver deer (quasi converges more slowly), shorter sequences, a lower"
          + " learning rate, or --solver sequential", r);
    }
    solution = r.solution();
    Matrix h = ws(1, n, hidden);
    h.setAll(solution.toDoubleArray());
    return h;
  }

  @Override
  public Matrix backward(Matrix dh) {
    checkGrad(dh);
    if (solution == null) {
      throw new IllegalStateException(name + ": backward called after a forward that failed");
    }
    DeerGradients g = deer.gradients(cell, xs, y0, solution, sequence(dh, batch * hidden));
    double[] gp = g.parameters();
    int h3 = 3 * hidden;
    Matrix wg = w.grad();
    Matrix ug = u.grad();
    int o = 0;
    for (int gi = 0; gi < h3; gi++) {
      for (int k = 0; k < in; k++) {
        wg.set(k, gi, wg.get(k, gi) + gp[o++]);
      }
    }
    for (int gi = 0; gi < h3; gi++) {
      for (int j = 0; j < hidden; j++) {
        ug.set(j, gi, ug.get(j, gi) + gp[o++]);
      }
    }
    for (int gi = 0; gi < h3; gi++) {
      bw.grad().set(0, gi, bw.grad().get(0, gi) + gp[o++]);
    }
    for (int gi = 0; gi < h3; gi++) {
      bu.grad().set(0, gi, bu.grad().get(0, gi) + gp[o++]);
    }
    Matrix dx = ws(2, n, in);
    dx.setAll(g.inputs().toDoubleArray());
    return dx;
  }

  @Override
  public String toString() {
    return super.toString() + " by " + solver;
  }
}
