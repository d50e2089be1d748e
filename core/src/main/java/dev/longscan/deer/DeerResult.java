package dev.longscan.deer;

import dev.longscan.Sequence;
import java.util.Arrays;
import java.util.Optional;

/**
 * The outcome of {@link Deer#solve}: whether the iteration converged, how many iterations it used,
 * the residual of every iterate, the solution (the converged iterate, or on failure the iterate
 * of smallest residual seen) and, when a NaN or infinity appeared, where it first did.
 *
 * <p>The residual of an iterate y is max over t, series and channel of |y_t − f(y_{t-1}, x_t)|
 * (y_{-1} = y0): zero exactly at the solution. Nothing in the solution is clipped or replaced:
 * a non-finite value stops the iteration and is reported by {@link #nonFinite()}.
 */
public final class DeerResult {

  /** Where a non-finite value first appeared: the earliest step, then series, then channel. */
  public static final class NonFinite {
    private final String where;
    private final int iteration;
    private final int step;
    private final int series;
    private final int channel;
    private final double value;

    NonFinite(String where, int iteration, int step, int series, int channel, double value) {
      this.where = where;
      this.iteration = iteration;
      this.step = step;
      this.series = series;
      this.channel = channel;
      this.value = value;
    }

    /**
     * What held it: "f" (the cell's value f(y_{t-1}, x_t) at the iterate), "jacobian" (∂f/∂y
     * there), or "iterate" (the state after a linear solve, or of the sequential loop).
     */
    public String where() {
      return where;
    }

    /** The iteration that produced it (0: the initial guess; the sequential loop reports 0). */
    public int iteration() {
      return iteration;
    }

    /** The time step (0-based). */
    public int step() {
      return step;
    }

    /** The series (0-based, of B). */
    public int series() {
      return series;
    }

    /** The state channel (0-based, of n). */
    public int channel() {
      return channel;
    }

    /** The value found (NaN or ±∞). */
    public double value() {
      return value;
    }

    @Override
    public String toString() {
      return value + " in " + where + " at iteration " + iteration + ", step " + step + ", series "
          + series + ", channel " + channel;
    }
  }

  private final String method;
  private final boolean converged;
  private final int iterations;
  private final double[] residuals;
  private final double[] stepRatios;
  private final int bestIteration;
  private final Sequence solution;
  private final NonFinite nonFinite;

  DeerResult(String method, boolean converged, int iterations, double[] residuals,
      double[] stepRatios, int bestIteration, Sequence solution, NonFinite nonFinite) {
    this.method = method;
    this.converged = converged;
    this.iterations = iterations;
    this.residuals = residuals;
    this.stepRatios = stepRatios;
    this.bestIteration = bestIteration;
    this.solution = solution;
    this.nonFinite = nonFinite;
  }

  /** The method that produced it: "deer", "quasi-deer", "damped deer", … or "sequential". */
  public String method() {
    return method;
  }

  /**
   * True when the stopping rule held (every |Δy| ≤ atol + rtol·|y|; for damped solvers also
   * every residual) with every value finite. The sequential evaluation converges when its values
   * are finite.
   */
  public boolean converged() {
    return converged;
  }

  /** Linear solves done (0 for the sequential evaluation and for T = 0). */
  public int iterations() {
    return iterations;
  }

  /**
   * The residual (see the class comment) of the initial guess and of the iterate held after each
   * iteration: {@code iterations() + 1} values (fewer when an iterate was not finite; a damped
   * solver's rejected trial repeats the residual it kept).
   */
  public double[] residuals() {
    return residuals.clone();
  }

  /**
   * Per iteration, max over every value of |Δy| / (atol + rtol·|y|) (≤ 1 everywhere is the
   * stopping rule); a rejected damped trial has +∞ when it was not finite.
   */
  public double[] stepRatios() {
    return stepRatios.clone();
  }

  /** The iteration whose iterate is {@link #solution()} on failure (smallest residual). */
  public int bestIteration() {
    return bestIteration;
  }

  /** The residual of {@link #solution()}. */
  public double residual() {
    return residuals.length == 0 ? Double.NaN : residuals[bestIteration];
  }

  /**
   * The states y [T, B·n] in the precision of x: the converged iterate or, when not converged,
   * the best one seen (for the sequential evaluation, its values as computed).
   */
  public Sequence solution() {
    return solution;
  }

  /**
   * The first non-finite value met, if any. An undamped solve stops there (not converged); a
   * damped solve rejects such a trial and goes on, so it may report one and still converge.
   */
  public Optional<NonFinite> nonFinite() {
    return Optional.ofNullable(nonFinite);
  }

  @Override
  public String toString() {
    return method + ": " + (converged ? "converged" : "NOT converged") + " after " + iterations
        + " iterations, residual " + residual() + " (best at iteration " + bestIteration + ")"
        + (nonFinite != null ? "; non-finite: " + nonFinite : "") + "; residuals "
        + Arrays.toString(residuals);
  }
}
