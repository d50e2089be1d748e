package dev.longscan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.longscan.algebra.DenseSummary;
import org.junit.jupiter.api.Test;

/** The snippet of docs/dense.md, compiled and run (copy from here into the page). */
class DenseSnippetTest {
  @Test
  void snippetRuns() {
    // doc-snippet: dense-api
    DenseScan dense = DenseScan.cpu();  // or Backends.dense(), DenseScan.cpu(threads), DenseScan.sequential()
    int n = 4;
    int batch = 16;
    int steps = 10_000;
    Sequence j = Sequence.allocate(Precision.FLOAT64, steps, batch * n * n); // [T, B, n, n]
    Sequence b = Sequence.allocate(Precision.FLOAT64, steps, batch * n);     // [T, B, n]
    double[] h0 = new double[batch * n];                                     // [B, n]
    ScanOptions o = ScanOptions.defaults().withInitialState(h0); // ScanOptions.reverse(): h_t = J_t h_{t+1} + b_t
    Sequence h = dense.scan(n, j, b, o);

    // the chunked protocol: a chunk's summary (phase 1), carries, the chunk rescanned (phase 3)
    Sequence j1 = j.slice(0, 5_000);
    Sequence b1 = b.slice(0, 5_000);
    Sequence j2 = j.slice(5_000, steps);
    Sequence b2 = b.slice(5_000, steps);
    DenseSummary s1 = dense.reduce(n, j1, b1, o);
    double[] carry = s1.apply(h0); // the state entering the second chunk
    dense.apply(n, j2, b2, carry, o, h.slice(5_000, steps));

    // gradients: δ_t = J_{t+1}ᵀ δ_{t+1} + g_t, ∂L/∂J_t = δ_t h_{t-1}ᵀ, ∂L/∂b_t = δ_t, ∂L/∂h0 = J_1ᵀ δ_1
    Sequence gradH = Sequence.allocate(Precision.FLOAT64, steps, batch * n);
    Sequence gradJ = j.allocateLike();
    Sequence gradB = b.allocateLike();
    double[] gradH0 = new double[batch * n];
    dense.backward(n, j, h, gradH, o, gradJ, gradB, gradH0);
    // end-doc-snippet

    assertEquals(steps, h.steps());
    assertEquals(batch * n, gradH0.length);
  }
}
