/**
 * Models (stacked {@link dev.longscan.nn} layers and a dense head with softmax cross-entropy or
 * mean squared error), the training loop with gradient clipping and convergence on Martin &amp;
 * Cundy's criterion (5 consecutive minibatches at 100 % accuracy, ICLR 2018 §4.1), and the
 * versioned, CRC-32C-checked model and checkpoint files ({@link dev.longscan.train.ModelFile},
 * {@link dev.longscan.train.Trainer#saveCheckpoint}).
 */
package dev.longscan.train;
