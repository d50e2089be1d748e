package dev.longscan.train;

/** Loss of one minibatch and, for classification, its accuracy in [0, 1] (NaN otherwise). */
public record Evaluation(double loss, double accuracy) {}
