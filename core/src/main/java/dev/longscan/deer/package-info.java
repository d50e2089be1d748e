/**
 * Nonlinear recurrences y_t = f(y_{t-1}, x_t) evaluated in parallel over the sequence by Newton's
 * method: DEER (Y. H. Lim, Q. Zhu, J. Selfridge, M. F. Kasim, "Parallelizing Non-Linear Sequential
 * Models over the Sequence Length", ICLR 2024), whose every iteration is the matrix-valued linear
 * recurrence of {@link dev.longscan.DenseScan}; quasi-DEER, which keeps only the diagonal of each
 * Jacobian and runs on the elementwise {@link dev.longscan.Backend} scan (X. Gonzalez, A. Warrington,
 * J. T. H. Smith, S. W. Linderman, "Towards Scalable and Stable Parallelization of Nonlinear RNNs",
 * NeurIPS 2024); and a damped Newton step in the form of pseudo-transient continuation
 * (C. T. Kelley, D. E. Keyes, "Convergence Analysis of Pseudo-Transient Continuation", SIAM J.
 * Numer. Anal. 35, 1998), a shift of the Newton system that is still one linear recurrence.
 *
 * <p>{@link dev.longscan.deer.Cell} is the user's f with its Jacobian ∂f/∂y and its
 * vector-Jacobian products; {@link dev.longscan.deer.Cells} builds GRU, tanh-RNN and LSTM cells;
 * {@link dev.longscan.deer.Deer} solves; {@link dev.longscan.deer.DeerResult} reports convergence,
 * the residual of every iteration, the best iterate and the first non-finite value;
 * {@link dev.longscan.deer.Deer#gradients} differentiates the solution by the adjoint method.
 */
package dev.longscan.deer;
