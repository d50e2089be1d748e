package dev.longscan.deer;

import dev.longscan.Backend;
import dev.longscan.Backends;
import dev.longscan.DenseScan;
import dev.longscan.ParameterException;
import dev.longscan.Precision;
import dev.longscan.ScanOptions;
import dev.longscan.Sequence;
import dev.longscan.ShapeException;
import java.util.Arrays;

/**
 * Solves y_t = f(y_{t-1}, x_t), t = 0..T−1 from a given y_{-1} = y0, for B series at once, by
 * Newton's method over the whole sequence (DEER, Lim et al. 2024).
 *
 * <p>The residual r_t(y) = y_t − f(y_{t-1}, x_t) has a block-bidiagonal Jacobian, so the Newton
 * step Δ solves the linear recurrence Δ_t = J_t Δ_{t-1} − r_t (Δ_{-1} = 0), J_t = ∂f/∂y at
 * (y_{t-1}, x_t): one matrix-valued scan ({@link DenseScan}) per iteration for {@link #newton()},
 * one elementwise scan ({@link Backend}) with J_t replaced by its diagonal for {@link #quasi()}
 * (O(T·B·n) memory instead of O(T·B·n²), more iterations; it converges to the same solution
 * because Δ = 0 only where r = 0). Stopping rule: every |Δ| ≤ atol + rtol·|y| after the step;
 * defaults by the precision of x (float32 1e-4 / 1e-3, float64 1e-6 / 1e-4, as the reference
 * implementation).
 *
 * <p><b>Damping</b> ({@link #damped()}, {@link #withDamping}). Plain Newton fails where the
 * products J_t ⋯ J_1 grow: far from the solution of an expanding or chaotic cell the step
 * overflows. The damped solver is pseudo-transient continuation with local pseudo-time steps
 * (Kelley and Keyes 1998): it solves (A + Λ)Δ = −r instead of AΔ = −r, A the residual's
 * Jacobian and Λ a non-negative diagonal shift. A is lower block bidiagonal with identity blocks
 * on its diagonal, so the shifted system is still one linear recurrence, Δ_t = c_t (J_t Δ_{t-1}
 * − r_t) with c_t = 1 / (1 + Λ_t): the same scan, every transition shrunk. The solver takes
 * c_t = 1 / ((1 + μ)·max(1, ‖J_t‖∞)) (per channel, with |J_t,rr|, for diagonal Jacobians), so
 * every shrunk transition has ‖c_t J_t‖∞ ≤ 1 and the step cannot grow along the sequence:
 * |Δ_t|∞ ≤ Σ_{s≤t} |r_s|∞. Where J_t is not expanding and μ = 0 the step is Newton's, so near a
 * solution whose Jacobians contract the iteration is DEER's; Δ = 0 only where r = 0, so it has
 * the same solution. As in DEER, the states before the first unsolved step are exact, so the
 * solved prefix only grows (at the first unsolved step t the residual falls by the factor
 * 1 − c_t each iteration); the iteration is not a descent method and Σ r² may rise on the way.
 * μ is a global shift: every finite trial is accepted and μ falls with the residual
 * (μ ← μ·min(1, ‖r_new‖₂/‖r_old‖₂), the "switched evolution relaxation" rule, never raised by
 * a rising residual); a trial that is not
 * finite is rejected, the iterate kept and μ ← max(10μ, 0.01). This is a cheaper relative of
 * ELK's Levenberg–Marquardt step (Gonzalez et al. 2024), which needs a Kalman smoother. A damped
 * solve stops when the step passes the stopping rule and every residual |y_t − f(y_{t-1}, x_t)|
 * passes atol + rtol·|y_t| too.
 *
 * <p>Instances are immutable; {@code with…} returns a new one. The cell is called from several
 * threads at once.
 */
public final class Deer {

  /** The initial iterate when no warm start is given. */
  public enum InitialGuess {
    /** y_t = 0 for every t. */
    ZEROS,
    /** y_t = y0 for every t. */
    REPEAT_Y0
  }

  private enum Kind {
    SEQUENTIAL, FULL, DIAGONAL
  }

  /** The default iteration budget. */
  public static final int DEFAULT_MAX_ITERATIONS = 100;

  private final Kind kind;
  private final double mu0;
  private final double atol;
  private final double rtol;
  private final int maxIterations;
  private final InitialGuess guess;
  private final DenseScan dense;
  private final Backend backend;

  private Deer(Kind kind, double mu0, double atol, double rtol, int maxIterations,
      InitialGuess guess, DenseScan dense, Backend backend) {
    this.kind = kind;
    this.mu0 = mu0;
    this.atol = atol;
    this.rtol = rtol;
    this.maxIterations = maxIterations;
    this.guess = guess;
    this.dense = dense;
    this.backend = backend;
  }

  /** DEER: full Jacobians, one dense scan per iteration. */
  public static Deer newton() {
    return new Deer(Kind.FULL, -1, Double.NaN, Double.NaN, DEFAULT_MAX_ITERATIONS,
        InitialGuess.ZEROS, DenseScan.cpu(), Backends.cpu());
  }

  /** Quasi-DEER: the Jacobians' diagonals, one elementwise scan per iteration. */
  public static Deer quasi() {
    return newton().with(Kind.DIAGONAL);
  }

  /** DEER with damping, μ0 = 0 (see the class comment). */
  public static Deer damped() {
    return newton().withDamping(0.0);
  }

  /** The sequential loop y_t = f(y_{t-1}, x_t): the reference. */
  public static Deer sequential() {
    return newton().with(Kind.SEQUENTIAL);
  }

  private Deer with(Kind k) {
    return new Deer(k, mu0, atol, rtol, maxIterations, guess, dense, backend);
  }

  /**
   * Damping (see the class comment) for full or diagonal Jacobians, with initial global shift
   * μ0 >= 0 (0: only the local shrink of expanding steps at first).
   */
  public Deer withDamping(double mu0) {
    if (!(mu0 >= 0) || Double.isInfinite(mu0)) {
      throw new ParameterException("expected a finite damping shift μ0 >= 0, found " + mu0);
    }
    return new Deer(kind, mu0, atol, rtol, maxIterations, guess, dense, backend);
  }

  /** Plain Newton steps (the default). */
  public Deer withoutDamping() {
    return new Deer(kind, -1, atol, rtol, maxIterations, guess, dense, backend);
  }

  /** Stopping tolerances (absolute, relative), both >= 0 and not both 0. */
  public Deer withTolerance(double atol, double rtol) {
    if (!(atol >= 0) || !(rtol >= 0) || atol + rtol == 0 || Double.isInfinite(atol + rtol)) {
      throw new ParameterException("expected finite tolerances atol, rtol >= 0, not both 0, found "
          + atol + ", " + rtol);
    }
    return new Deer(kind, mu0, atol, rtol, maxIterations, guess, dense, backend);
  }

  /** At most this many linear solves (>= 1). */
  public Deer withMaxIterations(int iterations) {
    if (iterations < 1) {
      throw new ParameterException("expected max iterations >= 1, found " + iterations);
    }
    return new Deer(kind, mu0, atol, rtol, iterations, guess, dense, backend);
  }

  /** The initial iterate when {@link #solve(Cell, Sequence, double[])} gets no warm start. */
  public Deer withInitialGuess(InitialGuess g) {
    if (g == null) {
      throw new ParameterException("expected an initial guess, found null");
    }
    return new Deer(kind, mu0, atol, rtol, maxIterations, g, dense, backend);
  }

  /** The dense scan for full Jacobians and gradients (default {@link DenseScan#cpu()}). */
  public Deer withDenseScan(DenseScan d) {
    if (d == null) {
      throw new ParameterException("expected a dense scan, found null");
    }
    return new Deer(kind, mu0, atol, rtol, maxIterations, guess, d, backend);
  }

  /** The elementwise backend for quasi-DEER (default {@link Backends#cpu()}). */
  public Deer withBackend(Backend b) {
    if (b == null) {
      throw new ParameterException("expected a backend, found null");
    }
    return new Deer(kind, mu0, atol, rtol, maxIterations, guess, dense, b);
  }

  /** {atol, rtol} by precision: float32 {1e-4, 1e-3}, float64 {1e-6, 1e-4}. */
  public static double[] defaultTolerance(Precision p) {
    return p == Precision.FLOAT32 ? new double[] {1e-4, 1e-3} : new double[] {1e-6, 1e-4};
  }

  /** The method's name as results report it. */
  public String method() {
    switch (kind) {
      case SEQUENTIAL:
        return "sequential";
      case DIAGONAL:
        return mu0 >= 0 ? "damped quasi-deer" : "quasi-deer";
      default:
        return mu0 >= 0 ? "damped deer" : "deer";
    }
  }

  /**
   * Solves from the configured initial guess. x is [T, B·m] (step t, series s, input k at
   * column s·m + k; a cell without inputs takes x of width B, not read), y0 is [B·n].
   */
  public DeerResult solve(Cell cell, Sequence x, double[] y0) {
    return solve(cell, x, y0, null);
  }

  /**
   * Solves from {@code warmStart} ([T, B·n], e.g. the previous training step's solution), or
   * from the configured initial guess when it is null.
   */
  public DeerResult solve(Cell cell, Sequence x, double[] y0, Sequence warmStart) {
    Problem p = problem(cell, x, y0);
    Precision prec = x.precision();
    double[] tol = defaultTolerance(prec);
    double a = Double.isNaN(atol) ? tol[0] : atol;
    double r = Double.isNaN(rtol) ? tol[1] : rtol;
    if (warmStart != null && (warmStart.steps() != p.steps || warmStart.width() != p.batch * p.n)) {
      throw new ShapeException("expected a warm start of " + p.steps + " steps × width "
          + p.batch * p.n + " (T × B·n), found " + warmStart.steps() + " × " + warmStart.width());
    }
    if (kind == Kind.SEQUENTIAL) {
      return sequential(p, prec);
    }
    if (p.steps == 0) {
      return new DeerResult(method(), true, 0, new double[] {0}, new double[0], 0,
          Sequence.allocate(prec, 0, p.batch * p.n), null);
    }
    double[] y = initial(p, warmStart);
    return newton(p, prec, y, a, r);
  }

  private Problem problem(Cell cell, Sequence x, double[] y0) {
    if (cell == null || x == null || y0 == null) {
      throw new ParameterException("expected a cell, x and y0, found "
          + (cell == null ? "cell null" : x == null ? "x null" : "y0 null"));
    }
    int n = cell.stateSize();
    int m = cell.inputSize();
    if (n < 1 || m < 0) {
      throw new ParameterException("expected a cell with state size >= 1 and input size >= 0, found "
          + n + " and " + m);
    }
    if (y0.length == 0 || y0.length % n != 0) {
      throw new ShapeException("expected y0 of B·n values (n = " + n + ", B >= 1), found "
          + y0.length);
    }
    int batch = y0.length / n;
    int w = m == 0 ? batch : batch * m;
    if (x.width() != w) {
      throw new ShapeException("expected x of width " + w + " (B = " + batch + " series"
          + (m == 0 ? ", a cell without inputs" : " × m = " + m + " inputs") + "), found "
          + x.width());
    }
    for (int i = 0; i < y0.length; i++) {
      if (!Double.isFinite(y0[i])) {
        throw new ParameterException("expected finite y0, found " + y0[i] + " at series "
            + i / n + ", channel " + i % n);
      }
    }
    long size = (long) x.steps() * batch * n;
    if (size > Integer.MAX_VALUE - 8) {
      throw new ShapeException("expected T·B·n <= 2^31 − 9 (one Java array), found " + size);
    }
    return new Problem(cell, batch, x.steps(), Problem.inputs(x, m, batch), y0.clone());
  }

  private double[] initial(Problem p, Sequence warm) {
    double[] y = new double[p.size()];
    int w = p.batch * p.n;
    if (warm != null) {
      for (int t = 0; t < p.steps; t++) {
        for (int c = 0; c < w; c++) {
          y[t * w + c] = warm.get(t, c);
        }
      }
    } else if (guess == InitialGuess.REPEAT_Y0) {
      for (int t = 0; t < p.steps; t++) {
        System.arraycopy(p.y0, 0, y, t * w, w);
      }
    }
    return y;
  }

  private DeerResult sequential(Problem p, Precision prec) {
    double[] y = new double[p.size()];
    int w = p.batch * p.n;
    DeerResult.NonFinite bad = null;
    for (int t = 0; t < p.steps; t++) {
      for (int s = 0; s < p.batch; s++) {
        int o = t * w + s * p.n;
        p.cell.step(t == 0 ? p.y0 : y, t == 0 ? s * p.n : o - w, p.x, (t * p.batch + s) * p.m, y,
            o);
        for (int c = 0; bad == null && c < p.n; c++) {
          if (!Double.isFinite(y[o + c])) {
            bad = new DeerResult.NonFinite("iterate", 0, t, s, c, y[o + c]);
          }
        }
      }
    }
    return new DeerResult(method(), bad == null, 0, new double[] {bad == null ? 0 : Double.NaN},
        new double[0], 0, toSequence(y, p, prec), bad);
  }

  private DeerResult newton(Problem p, Precision prec, double[] y, double a, double r) {
    boolean diagonal = kind == Kind.DIAGONAL;
    boolean damped = mu0 >= 0;
    int size = p.size();
    int jw = diagonal ? p.batch * p.n : p.batch * p.n * p.n;
    fits(p.steps, jw, diagonal ? "quasi-DEER's Jacobian diagonals" : "DEER's Jacobians");
    double[] res = new double[size];
    double[] jac = new double[p.steps * jw];
    double[] res2 = damped ? new double[size] : null;
    double[] jac2 = damped ? new double[jac.length] : null;
    double[] scaled = damped ? new double[jac.length] : null;
    double[] rhs = new double[size];
    double[] delta = new double[size];
    double[] next = new double[size];
    double[] residuals = new double[maxIterations + 1];
    double[] ratios = new double[maxIterations];

    Problem.Eval ev = p.evaluate(y, res, jac, diagonal, a, r);
    residuals[0] = ev.maxResidual;
    if (ev.firstBad != null) {
      return failed(p, prec, y, 0, residuals, ratios, y, 0, ev, 0);
    }
    double[] best = y.clone();
    int bestIt = 0;
    double current = ev.maxResidual;
    double merit = ev.sumSquares;
    double mu = mu0;
    DeerResult.NonFinite rejected = null; // the first non-finite trial a damped solve rejected
    Sequence bSeq = Sequence.of(rhs, p.batch * p.n);
    Sequence dSeq = Sequence.of(delta, p.batch * p.n);
    for (int k = 1; k <= maxIterations; k++) {
      double[] trans = jac;
      if (damped) {
        shrink(p, diagonal, jac, res, mu, scaled, rhs);
        trans = scaled;
      } else {
        for (int i = 0; i < size; i++) {
          rhs[i] = -res[i];
        }
      }
      if (diagonal) {
        backend.scan(Sequence.of(trans, jw), bSeq, ScanOptions.defaults(), dSeq);
      } else {
        dense.scan(p.n, Sequence.of(trans, jw), bSeq, ScanOptions.defaults(), dSeq);
      }
      double ratio = 0;
      for (int i = 0; i < size; i++) {
        double v = y[i] + delta[i];
        next[i] = v;
        ratio = Math.max(ratio, Math.abs(delta[i]) / (a + r * Math.abs(v)));
      }
      int[] badY = p.firstNonFinite(next);
      Problem.Eval trial = null;
      if (badY == null) {
        trial = p.evaluate(next, damped ? res2 : res, damped ? jac2 : jac, diagonal, a, r);
      }
      boolean finite = badY == null && trial.firstBad == null;
      if (!damped) {
        if (!finite) {
          residuals[k] = Double.NaN;
          ratios[k - 1] = badY != null ? Double.POSITIVE_INFINITY : ratio;
          return badY != null
              ? failed(p, prec, best, bestIt, residuals, ratios, next, k, null, k, badY)
              : failed(p, prec, best, bestIt, residuals, ratios, next, k, trial, k);
        }
        double[] t = y;
        y = next;
        next = t;
        current = trial.maxResidual;
      } else if (finite) {
        mu = merit > 0 ? mu * Math.min(1.0, Math.sqrt(trial.sumSquares / merit)) : mu;
        double[] t = y;
        y = next;
        next = t;
        t = res;
        res = res2;
        res2 = t;
        t = jac;
        jac = jac2;
        jac2 = t;
        current = trial.maxResidual;
        merit = trial.sumSquares;
      } else {
        if (rejected == null) {
          rejected = badY != null
              ? new DeerResult.NonFinite("iterate", k, badY[0], badY[1], badY[2],
                  next[(badY[0] * p.batch + badY[1]) * p.n + badY[2]])
              : new DeerResult.NonFinite(trial.firstBad[3] == 0 ? "f" : "jacobian", k,
                  trial.firstBad[0], trial.firstBad[1], trial.firstBad[2], trial.badValue);
        }
        mu = Math.max(10 * mu, 1e-2);
        residuals[k] = current;
        ratios[k - 1] = finite ? ratio : Double.POSITIVE_INFINITY;
        continue;
      }
      residuals[k] = current;
      ratios[k - 1] = ratio;
      if (current < residuals[bestIt]) {
        System.arraycopy(y, 0, best, 0, size);
        bestIt = k;
      }
      if (ratio <= 1 && (!damped || trial.maxRatio <= 1)) {
        return new DeerResult(method(), true, k, Arrays.copyOf(residuals, k + 1),
            Arrays.copyOf(ratios, k), k, toSequence(y, p, prec), rejected);
      }
    }
    return new DeerResult(method(), false, maxIterations, residuals, ratios, bestIt,
        toSequence(best, p, prec), rejected);
  }

  /**
   * The damped system's coefficients: per step and series, c = 1 / ((1 + μ) max(1, ‖J_t‖∞))
   * (per channel with |J_t,rr| for diagonal Jacobians); transitions c·J_t, offsets −c·r_t.
   */
  private static void shrink(Problem p, boolean diagonal, double[] jac, double[] res, double mu,
      double[] trans, double[] rhs) {
    int n = p.n;
    int blocks = p.steps * p.batch;
    double g = 1.0 / (1.0 + mu);
    for (int b = 0; b < blocks; b++) {
      int o = b * n;
      if (diagonal) {
        for (int c = 0; c < n; c++) {
          double f = g / Math.max(1.0, Math.abs(jac[o + c]));
          trans[o + c] = jac[o + c] * f;
          rhs[o + c] = -res[o + c] * f;
        }
      } else {
        int jo = b * n * n;
        double norm = 0;
        for (int rr = 0; rr < n; rr++) {
          double row = 0;
          for (int c = 0; c < n; c++) {
            row += Math.abs(jac[jo + rr * n + c]);
          }
          norm = Math.max(norm, row);
        }
        double f = g / Math.max(1.0, norm);
        for (int i = 0; i < n * n; i++) {
          trans[jo + i] = jac[jo + i] * f;
        }
        for (int c = 0; c < n; c++) {
          rhs[o + c] = -res[o + c] * f;
        }
      }
    }
  }

  private DeerResult failed(Problem p, Precision prec, double[] best, int bestIt,
      double[] residuals, double[] ratios, double[] at, int iteration, Problem.Eval ev, int k,
      int... badY) {
    DeerResult.NonFinite nf;
    if (ev != null) {
      nf = new DeerResult.NonFinite(ev.firstBad[3] == 0 ? "f" : "jacobian", iteration,
          ev.firstBad[0], ev.firstBad[1], ev.firstBad[2], ev.badValue);
    } else {
      int i = (badY[0] * p.batch + badY[1]) * p.n + badY[2];
      nf = new DeerResult.NonFinite("iterate", iteration, badY[0], badY[1], badY[2], at[i]);
    }
    return new DeerResult(method(), false, k, Arrays.copyOf(residuals, k + 1),
        Arrays.copyOf(ratios, k), bestIt, toSequence(best, p, prec), nf);
  }

  private static void fits(int steps, int width, String what) {
    long values = (long) steps * width;
    if (values > Integer.MAX_VALUE - 8) {
      throw new ShapeException("expected at most 2^31 − 9 values for " + what
          + " (one Java array), found " + steps + " × " + width + " = " + values
          + ": split the batch, or solve with Deer.quasi() (T·B·n values)");
    }
  }

  private static Sequence toSequence(double[] y, Problem p, Precision prec) {
    int w = p.batch * p.n;
    if (prec == Precision.FLOAT64) {
      return Sequence.of(y.clone(), w);
    }
    float[] f = new float[y.length];
    for (int i = 0; i < y.length; i++) {
      f[i] = (float) y[i];
    }
    return Sequence.of(f, w);
  }

  /**
   * Gradients of a loss L(y) through the solution y of this recurrence, given ∂L/∂y ([T, B·n]),
   * by the adjoint method: δ_t = ∂L/∂y_t + J_{t+1}ᵀ δ_{t+1} (δ_{T−1} = ∂L/∂y_{T−1}), one reverse
   * scan on the dense scan with J_t = ∂f/∂y at (y_{t-1}, x_t); then ∂L/∂x_t = δ_tᵀ ∂f/∂x,
   * ∂L/∂θ = Σ_t δ_tᵀ ∂f/∂θ and ∂L/∂y0 = δ_0ᵀ ∂f/∂y at step 0, from the cell's vector-Jacobian
   * products. The same for every solver: it needs only the solution, which it does not check
   * (pass a converged one). Memory O(T·B·n²).
   */
  public DeerGradients gradients(Cell cell, Sequence x, double[] y0, Sequence y, Sequence gradY) {
    Problem p = problem(cell, x, y0);
    int w = p.batch * p.n;
    for (Object[] s : new Object[][] {{y, "y"}, {gradY, "gradY"}}) {
      Sequence q = (Sequence) s[0];
      if (q == null || q.steps() != p.steps || q.width() != w) {
        throw new ShapeException("expected " + s[1] + " of " + p.steps + " steps × width " + w
            + " (T × B·n), found " + (q == null ? "null" : q.steps() + " × " + q.width()));
      }
    }
    int n = p.n;
    int m = p.m;
    int nn = n * n;
    double[] yd = new double[p.size()];
    double[] g = new double[p.size()];
    for (int t = 0; t < p.steps; t++) {
      for (int c = 0; c < w; c++) {
        yd[t * w + c] = y.get(t, c);
        g[t * w + c] = gradY.get(t, c);
      }
    }
    double[] gradX = new double[p.x.length];
    double[] gradTheta = new double[cell.parameterCount()];
    double[] gradY0 = new double[w];
    if (p.steps > 0) {
      // transitions of the reverse scan: M_t = J_{t+1}ᵀ, M_{T-1} unused (it multiplies zero)
      fits(p.steps, p.batch * nn, "the gradient's Jacobians");
      double[] mt = new double[p.steps * p.batch * nn];
      double[] jac = new double[nn];
      for (int t = 0; t + 1 < p.steps; t++) {
        for (int s = 0; s < p.batch; s++) {
          cell.jacobian(yd, (t * p.batch + s) * n, p.x, ((t + 1) * p.batch + s) * m, jac, 0);
          int o = (t * p.batch + s) * nn;
          for (int rr = 0; rr < n; rr++) {
            for (int c = 0; c < n; c++) {
              mt[o + c * n + rr] = jac[rr * n + c];
            }
          }
        }
      }
      Sequence delta = dense.scan(n, Sequence.of(mt, p.batch * nn), Sequence.of(g, w),
          ScanOptions.reverse());
      double[] dd = delta.doubleArray();
      int off = delta.offset();
      for (int t = 0; t < p.steps; t++) {
        for (int s = 0; s < p.batch; s++) {
          int o = (t * p.batch + s) * n;
          cell.vjp(t == 0 ? p.y0 : yd, t == 0 ? s * n : o - w, p.x, (t * p.batch + s) * m, dd,
              off + o, t == 0 ? gradY0 : null, s * n, m == 0 ? null : gradX,
              (t * p.batch + s) * m, gradTheta.length == 0 ? null : gradTheta);
        }
      }
    }
    Sequence gx;
    if (m == 0) {
      gx = Sequence.allocate(x.precision(), p.steps, p.batch);
    } else if (x.precision() == Precision.FLOAT64) {
      gx = Sequence.of(gradX, p.batch * m);
    } else {
      float[] f = new float[gradX.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) gradX[i];
      }
      gx = Sequence.of(f, p.batch * m);
    }
    return new DeerGradients(gx, gradTheta, gradY0);
  }

  @Override
  public String toString() {
    return method() + "(maxIterations=" + maxIterations + ", atol=" + atol + ", rtol=" + rtol
        + ", guess=" + guess + (mu0 >= 0 ? ", μ0=" + mu0 : "") + ")";
  }
}
