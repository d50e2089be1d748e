/**
 * The element algebra of the chunked scan, as one interface with two implementations.
 *
 * <p>An element is an affine map of the state, e = (A, b): h ↦ A h + b. Applying e1 then e2 is
 * {@code e1 ▷ e2 = (A2 A1, A2 b1 + b2)}; ▷ is associative, not commutative, with identity (I, 0)
 * (E. Martin, C. Cundy, "Parallelizing Linear Recurrent Neural Nets Over Sequence Length", ICLR
 * 2018, §2; G. E. Blelloch, "Prefix sums and their applications", 1990). The three phases of the
 * chunked scan — reduce each chunk to its summary, exclusive scan of the summaries from h0, apply
 * each chunk from its carry — need only this operator, so they are written once against
 * {@link dev.longscan.algebra.Algebra}:
 * <ul>
 *   <li><b>diagonal</b> ({@link dev.longscan.Affine#algebra}, elements
 *       {@link dev.longscan.Summary}): A = diag(a), so {@code (a1, b1) ▷ (a2, b2) = (a2 ⊙ a1,
 *       a2 ⊙ b1 + b2)}, with the segmented-scan flag f of Blelloch's report: {@code e1 ▷ e2 = e2}
 *       when f2 (a restart forgets what came before);</li>
 *   <li><b>dense</b> ({@link dev.longscan.algebra.DenseSummary#algebra}, elements
 *       {@link dev.longscan.algebra.DenseSummary}): A = J an n×n matrix, so {@code (J1, b1) ▷
 *       (J2, b2) = (J2·J1, J2·b1 + b2)}, for a batch of independent series at once (the matrix-
 *       valued recurrence of DEER's Newton steps: Y. H. Lim et al., "Parallelizing Non-Linear
 *       Sequential Models over the Sequence Length", ICLR 2024).</li>
 * </ul>
 * The backward pass runs the transposed recurrence δ_t = A_{t+1}ᵀ δ_{t+1} + g_t, so each algebra
 * also applies the transpose of an element's linear part
 * ({@link dev.longscan.algebra.Algebra#applyTransposed}).
 */
package dev.longscan.algebra;
