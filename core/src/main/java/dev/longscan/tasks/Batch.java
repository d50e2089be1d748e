package dev.longscan.tasks;

import dev.longscan.nn.Matrix;

/**
 * One minibatch: time-major inputs [T·B × inputSize] and the targets, either class labels (one per
 * sequence, {@link Target#CLASS_LAST}) or values ([B × outputSize] for {@link Target#VALUE_LAST},
 * [T·B × outputSize] for {@link Target#VALUE_EACH}).
 */
public record Batch(Matrix inputs, int steps, int batch, int[] labels, Matrix values) {}
