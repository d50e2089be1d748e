package dev.longscan.optim;

import dev.longscan.ParameterException;

/**
 * A learning rate per step t = 1, 2, …: {@code base · min(1, t / warmup) · decay^(t − 1)}
 * (warmup 0: none; decay 1: constant).
 */
public record Schedule(double base, int warmup, double decay) {

  public Schedule {
    if (!(base > 0) || !Double.isFinite(base)) {
      throw new ParameterException("expected a learning rate > 0, found " + base);
    }
    if (warmup < 0) {
      throw new ParameterException("expected warm-up steps >= 0, found " + warmup);
    }
    if (!(decay > 0 && decay <= 1)) {
      throw new ParameterException("expected a decay per step in (0, 1], found " + decay);
    }
  }

  /** A constant rate. */
  public static Schedule constant(double rate) {
    return new Schedule(rate, 0, 1);
  }

  /** The rate at step t (1-based). */
  public double at(long t) {
    double w = warmup == 0 ? 1 : Math.min(1.0, (double) t / warmup);
    return base * w * (decay == 1 ? 1 : Math.pow(decay, t - 1));
  }
}
