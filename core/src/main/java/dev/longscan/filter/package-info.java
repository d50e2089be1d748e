/**
 * The definition of each filter of {@link dev.longscan.Filters} as one step of the linear
 * recurrence h_t = a_t h_{t−1} + b_t: its coefficients (a_t, b_t), its initial state, how a state
 * becomes the filter's value, and the checks of its parameters. {@link dev.longscan.Filters} and
 * the Spark transforms (longscan-spark's {@code Scans}) both build their coefficients from
 * {@link dev.longscan.filter.FilterSteps}, so a filter means the same on one machine and on a
 * cluster, bit for bit.
 *
 * <p>The adjusted EMA is the ratio form of the bias-corrected exponentially weighted mean (as in
 * pandas' {@code ewm(adjust=True)}): N_t = a_t N_{t−1} + x_t, W_t = a_t W_{t−1} + 1, y_t = N_t / W_t.
 */
package dev.longscan.filter;
