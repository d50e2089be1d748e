package dev.longscan.filter;

import dev.longscan.ParameterException;
import java.time.Duration;

/**
 * Each filter's step: the coefficients (a_t, b_t) of h_t = a_t h_{t−1} + b_t at one step, written
 * once here and used by {@link dev.longscan.Filters} (block by block over a series) and by the
 * Spark transforms (block by block over a partition and row by row), so the three agree bit for
 * bit. {@code first} says the step begins a series (its key changes, or it is the series' first
 * step); {@code x} is the step's input.
 *
 * <table>
 *   <caption>Coefficients per filter</caption>
 *   <tr><th>filter</th><th>a_t</th><th>b_t</th><th>h before a series</th><th>value</th></tr>
 *   <tr><td>EMA (α)</td><td>0 if first, else 1 − α</td><td>x if first, else α x</td>
 *       <td>any</td><td>h</td></tr>
 *   <tr><td>EMA (half-life, gap Δ)</td><td>0 if first, else 2^(−Δ / halfLife)</td>
 *       <td>(1 − a_t) x</td><td>any</td><td>h</td></tr>
 *   <tr><td>adjusted EMA</td><td>1 − α, or the half-life decay, in both channels</td>
 *       <td>(x, 1)</td><td>(0, 0)</td><td>N / W</td></tr>
 *   <tr><td>IIR (c, d)</td><td>d</td><td>c x</td><td>0</td><td>h</td></tr>
 *   <tr><td>discounted sum (γ), reverse</td><td>γ_t</td><td>r_t</td><td>0</td><td>h</td></tr>
 *   <tr><td>cumsum</td><td>1</td><td>x</td><td>0</td><td>h</td></tr>
 *   <tr><td>cumprod</td><td>x</td><td>0</td><td>1</td><td>h</td></tr>
 * </table>
 *
 * <p>The parameter checks throw a {@link ParameterException} whose message says what was expected
 * and what was found.
 */
public final class FilterSteps {
  private static final double LN2 = Math.log(2.0);

  private FilterSteps() {}

  // ------------------------------------------------------------------ parameter checks

  /** The message of a bad parameter: "expected {expected}, found {found}". */
  public static String expected(String expected, Object found) {
    return "expected " + expected + ", found " + found;
  }

  /** {@code alpha} if it lies in (0, 1]; else a {@link ParameterException}. */
  public static double checkAlpha(double alpha) {
    if (!(alpha > 0.0 && alpha <= 1.0)) {
      throw new ParameterException(expected("alpha in (0, 1]", alpha));
    }
    return alpha;
  }

  /** {@code halfLife} if it is positive and finite; else a {@link ParameterException}. */
  public static double checkHalfLife(double halfLife) {
    if (!(halfLife > 0) || !Double.isFinite(halfLife)) {
      throw new ParameterException(expected("halfLife > 0 and finite", halfLife));
    }
    return halfLife;
  }

  /** {@code halfLife} if it is a positive duration; else a {@link ParameterException}. */
  public static Duration checkHalfLife(Duration halfLife) {
    if (halfLife == null || halfLife.isNegative() || halfLife.isZero()) {
      throw new ParameterException(expected("a positive half-life duration", halfLife));
    }
    return halfLife;
  }

  /** {@code v} if it is finite; else a {@link ParameterException} naming the parameter. */
  public static double checkFinite(double v, String name) {
    if (!Double.isFinite(v)) {
      throw new ParameterException(expected("a finite " + name, v));
    }
    return v;
  }

  // ------------------------------------------------------------------ EMA, constant alpha

  /** The EMA's a_t: 0 where a series begins (y = x there), else 1 − α. */
  public static double emaA(double alpha, boolean first) {
    return first ? 0.0 : 1.0 - alpha;
  }

  /** The EMA's b_t: x where a series begins, else α x. */
  public static double emaB(double alpha, boolean first, double x) {
    return first ? x : alpha * x;
  }

  // ------------------------------------------------------------------ half-life decay

  /** The decay over a gap: exp(−ln 2 · gap / halfLife) = 2^(−gap / halfLife). */
  public static double decay(double gap, double halfLife) {
    return Math.exp(-LN2 * gap / halfLife);
  }

  /**
   * The half-life decay of a step: 0 where a series begins or the gap is unknown (NaN), else
   * {@link #decay}{@code (gap, halfLife)}. The a_t of the half-life EMA and of the adjusted EMA
   * over time.
   */
  public static double halfLifeA(boolean first, double gap, double halfLife) {
    return first || Double.isNaN(gap) ? 0.0 : decay(gap, halfLife);
  }

  /** The half-life EMA's b_t = (1 − a_t) x, from its a_t ({@link #halfLifeA}). */
  public static double halfLifeB(double a, double x) {
    return (1.0 - a) * x;
  }

  // ------------------------------------------------------------------ adjusted EMA

  /** The adjusted EMA's state width: the numerator N and the weight W. */
  public static final int ADJUSTED_WIDTH = 2;

  /** The adjusted EMA's a_t with a constant alpha: 1 − α in both channels (no restart needed). */
  public static double adjustedA(double alpha) {
    return 1.0 - alpha;
  }

  /** The adjusted EMA's b_t in the numerator's channel: x. */
  public static double adjustedNumeratorB(double x) {
    return x;
  }

  /** The adjusted EMA's b_t in the weight's channel: 1. */
  public static double adjustedWeightB() {
    return 1.0;
  }

  /** The adjusted EMA's value N / W. */
  public static double adjustedValue(double numerator, double weight) {
    return numerator / weight;
  }

  // ------------------------------------------------------------------ IIR

  /** The IIR filter y_t = c x_t + d y_{t−1}'s a_t: d. */
  public static double iirA(double d) {
    return d;
  }

  /** The IIR filter's b_t: c x. */
  public static double iirB(double c, double x) {
    return c * x;
  }

  // ------------------------------------------------------------------ discounted sums, cumulative

  /** The discounted sum G_t = r_t + γ_t G_{t+1} (a reverse scan)'s a_t: γ_t. */
  public static double discountA(double gamma) {
    return gamma;
  }

  /** The discounted sum's b_t: r_t. */
  public static double discountB(double reward) {
    return reward;
  }

  /** The cumulative sum's a_t: 1. */
  public static double cumsumA() {
    return 1.0;
  }

  /** The cumulative sum's b_t: x. */
  public static double cumsumB(double x) {
    return x;
  }

  /** The cumulative product's a_t: x. */
  public static double cumprodA(double x) {
    return x;
  }

  /** The cumulative product's b_t: 0. */
  public static double cumprodB() {
    return 0.0;
  }

  /** The cumulative product's state before each series: 1 (the cumulative sum's is 0). */
  public static double cumprodInitial() {
    return 1.0;
  }
}
