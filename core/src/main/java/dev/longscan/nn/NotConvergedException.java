package dev.longscan.nn;

import dev.longscan.LongscanException;
import dev.longscan.deer.DeerResult;

/**
 * A layer evaluated by a DEER solver ({@link Solver#DEER}, {@link Solver#QUASI}) did not converge:
 * its forward pass fails rather than return an output that is not the recurrence's. The message
 * names the layer, the solver, the iterations used, the residual of the best iterate and, where
 * one appeared, the first non-finite value; {@link #result()} holds the whole trace.
 */
public final class NotConvergedException extends LongscanException {
  private static final long serialVersionUID = 1L;
  private final transient DeerResult result;

  NotConvergedException(String message, DeerResult result) {
    super(message);
    this.result = result;
  }

  /** The solver's result: residual of every iteration, best iterate, non-finite value. */
  public DeerResult result() {
    return result;
  }
}
