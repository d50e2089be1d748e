package dev.longscan.nn;

import java.util.List;

/**
 * A sequence layer over time-major activations: the input is a [T·B × inputSize] matrix whose row
 * t·B + b is step t of sequence b, the output a [T·B × outputSize] one. {@link #forward} keeps
 * what {@link #backward} needs; backward accumulates the parameters' gradients and returns the
 * input's. A layer is not thread-safe.
 */
public interface Layer {

  /** Its name in messages and in parameter names, e.g. {@code "layer0.gilr"}. */
  String name();

  LayerSpec spec();

  int inputSize();

  int outputSize();

  /** The trainable parameters, in a fixed order (the order of the model file). */
  List<Parameter> parameters();

  /**
   * The output for input x of {@code steps} steps (x.rows() = steps × batch). The result is
   * the layer's own buffer, valid until its next forward call; x must stay unchanged until the
   * matching backward call.
   *
   * @throws dev.longscan.ShapeException naming this layer and the dimension that does not match
   */
  Matrix forward(Matrix x, int steps);

  /**
   * Given ∂L/∂output for the last forward call, adds ∂L/∂parameter into each parameter's
   * gradient and returns ∂L/∂input (the layer's own buffer, valid until its next backward
   * call).
   */
  Matrix backward(Matrix gradOutput);
}
