package dev.longscan.deer;

import dev.longscan.Sequence;

/** Gradients of a loss through a recurrence's solution: see {@link Deer#gradients}. */
public final class DeerGradients {
  private final Sequence inputs;
  private final double[] parameters;
  private final double[] initialState;

  DeerGradients(Sequence inputs, double[] parameters, double[] initialState) {
    this.inputs = inputs;
    this.parameters = parameters;
    this.initialState = initialState;
  }

  /** ∂L/∂x, [T, B·m] in the precision of x (zeros of width B for a cell without inputs). */
  public Sequence inputs() {
    return inputs;
  }

  /** ∂L/∂θ, the cell's {@link Cell#parameterCount()} values (a copy). */
  public double[] parameters() {
    return parameters.clone();
  }

  /** ∂L/∂y0, [B·n] (a copy). */
  public double[] initialState() {
    return initialState.clone();
  }
}
