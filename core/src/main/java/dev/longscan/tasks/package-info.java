/**
 * Synthetic long-dependency tasks: Hochreiter &amp; Schmidhuber's 2b ("Long short-term memory",
 * Neural Computation 9(8), 1997, experiment 2b), the reference task of Martin &amp; Cundy (ICLR
 * 2018, §4.1), and the adding problem from the same paper; minibatches are drawn fresh from a
 * seeded {@link dev.longscan.tasks.Rng} whose state a checkpoint saves.
 */
package dev.longscan.tasks;
