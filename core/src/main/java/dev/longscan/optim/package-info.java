/**
 * Optimisers behind one interface (SGD; Adam with bias correction, D. P. Kingma and J. Ba,
 * "Adam: A Method for Stochastic Optimization", ICLR 2015), learning-rate schedules with warm-up
 * and decay, and global gradient-norm clipping (R. Pascanu, T. Mikolov, Y. Bengio, "On the
 * difficulty of training recurrent neural networks", ICML 2013).
 */
package dev.longscan.optim;
