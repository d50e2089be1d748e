/**
 * Sequence layers whose only dependency along time is a linear recurrence, after E. Martin and
 * C. Cundy, "Parallelizing Linear Recurrent Neural Nets Over Sequence Length" (ICLR 2018, §3):
 * GILR, GILR-LSTM, SRU (T. Lei et al., 2017) and QRNN with fo-pooling (J. Bradbury et al.,
 * 2017), plus a dense layer and the step-by-step LSTM and GRU baselines.
 *
 * <p>Activations are time-major {@link dev.longscan.nn.Matrix} buffers of [T·B × features]
 * (row t·B + b is step t of sequence b). Every matrix product runs over all T·B rows at once on
 * netlib BLAS; the recurrences h_t = a_t ⊙ h_{t−1} + b_t run through a
 * {@link dev.longscan.Backend}'s scan and backward pass (∂L/∂a_t = h_{t−1} ⊙ δ_t,
 * ∂L/∂b_t = δ_t), so the parallel CPU backend evaluates them in parallel over T. Layers are
 * written once against {@link dev.longscan.nn.Compute}; {@link dev.longscan.nn.LayerSpec#create}
 * builds one.
 */
package dev.longscan.nn;
