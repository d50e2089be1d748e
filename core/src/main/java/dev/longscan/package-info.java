/**
 * longscan core: linear recurrences h_t = a_t ⊙ h_{t−1} + b_t evaluated in parallel over the
 * sequence length.
 *
 * <p>The algebra is that of E. Martin and C. Cundy, "Parallelizing Linear Recurrent Neural Nets
 * Over Sequence Length" (ICLR 2018, arXiv:1709.04057), §2: each step is the affine map
 * (a_t, b_t), composition (a1, b1) ▷ (a2, b2) = (a2 a1, a2 b1 + b2) is associative, so a scan can
 * be split into chunks whose summaries are combined by an exclusive scan and then applied (the
 * classic reduce-then-scan of G. E. Blelloch, "Prefix sums and their applications", 1990).
 * Segment restarts use the segmented-scan flag operator from the same report. The backward pass
 * is the reverse recurrence δ_t = a_{t+1} ⊙ δ_{t+1} + ∂L/∂h_t with ∂L/∂a_t = h_{t−1} ⊙ δ_t and
 * ∂L/∂b_t = δ_t (Martin &amp; Cundy, §2.2).
 *
 * <p>Entry points: {@link dev.longscan.Sequence} (buffers), {@link dev.longscan.ScanOptions},
 * {@link dev.longscan.Backend} (scan, reduce, apply, backward), {@link dev.longscan.Backends}
 * (cpu, sequential, reference, gpu by name), {@link dev.longscan.Affine} and
 * {@link dev.longscan.Summary} (the algebra and chunk carries), {@link dev.longscan.Filters}
 * (EMA, irregular-time EMA, adjusted EMA, IIR, discounted sums, cumulative sum and product),
 * {@link dev.longscan.DenseScan} (the matrix-valued recurrence h_t = J_t h_{t−1} + b_t, for
 * DEER's Newton steps; the element algebra of both is {@link dev.longscan.algebra}).
 * Errors are {@link dev.longscan.LongscanException}s.
 */
package dev.longscan;
