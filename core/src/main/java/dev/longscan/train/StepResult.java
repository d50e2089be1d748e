package dev.longscan.train;

/**
 * One training step: its 1-based iteration, the minibatch's loss and accuracy (NaN for
 * regression) before the update, and the gradient norm before clipping.
 */
public record StepResult(long iteration, double loss, double accuracy, double gradNorm) {}
