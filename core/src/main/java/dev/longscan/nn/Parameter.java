package dev.longscan.nn;

/** A trainable parameter: its value and the gradient a backward pass accumulates into. */
public final class Parameter {
  private final String name;
  private final Matrix value;
  private final Matrix grad;

  Parameter(String name, Matrix value) {
    this.name = name;
    this.value = value;
    this.grad = value.zerosLike();
  }

  /** Layer and role, e.g. {@code "layer1.gilr-lstm.U"}. */
  public String name() {
    return name;
  }

  public Matrix value() {
    return value;
  }

  /** ∂L/∂value, accumulated by {@link Layer#backward}; {@link #zeroGrad} clears it. */
  public Matrix grad() {
    return grad;
  }

  public void zeroGrad() {
    grad.fill(0);
  }

  @Override
  public String toString() {
    return name + " " + value.rows() + " × " + value.cols();
  }
}
