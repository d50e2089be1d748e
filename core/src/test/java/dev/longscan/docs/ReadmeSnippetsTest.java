package dev.longscan.docs;

// doc-snippet: readme-scan
import dev.longscan.*;
// end-doc-snippet

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Java snippets of README.md, compiled here and run on small inputs against a sequential
 * float64 loop or the reference backend. The regions between {@code // doc-snippet: NAME} and
 * {@code // end-doc-snippet} are what the README shows ({@link DocSnippetsTest} checks that the
 * README's blocks are verbatim copies of them); the code around them makes their inputs and
 * checks their results. Only public API: this package is not {@code dev.longscan}.
 */
class ReadmeSnippetsTest {

  @Test
  void scanSnippetRunsAndItsReverseSegmentedScanMatchesASequentialLoop() {
    // doc-snippet: readme-scan
    // h_t = a_t * h_{t-1} + b_t over a million steps, on all cores
    float[] a = new float[1_000_000];  // the multipliers (from your data)
    float[] b = new float[1_000_000];  // the inputs
    Sequence h = Backends.cpu().scan(Sequence.of(a), Sequence.of(b));

    // reverse direction, an initial state, and independent series laid end to end
    boolean[] seriesStarts = new boolean[a.length];  // true where a series starts
    float[] out = new float[a.length];
    ScanOptions opts = ScanOptions.reverse()
        .withInitialState(new double[] {0.0})
        .withSegmentStarts(seriesStarts);
    Backends.select("auto").scan(Sequence.of(a), Sequence.of(b), opts, Sequence.of(out));
    // end-doc-snippet
    assertEquals(a.length, h.steps());
    // the same calls on data: a fresh series every 1000 steps, scanned in reverse
    SplittableRandom r = new SplittableRandom(15);
    int n = 10_007;
    float[] x = new float[n];
    float[] y = new float[n];
    boolean[] starts = new boolean[n];
    for (int t = 0; t < n; t++) {
      x[t] = (float) (0.5 + 0.49 * r.nextDouble());
      y[t] = (float) (2 * r.nextDouble() - 1);
      starts[t] = t % 1000 == 0;
    }
    float[] got = new float[n];
    ScanOptions o = ScanOptions.reverse().withInitialState(new double[] {0.25})
        .withSegmentStarts(starts);
    Backends.select("auto").scan(Sequence.of(x), Sequence.of(y), o, Sequence.of(got));
    // in reverse, a series restarts from h0 at its last step in time: the step before a start
    double s = 0.25;
    for (int t = n - 1; t >= 0; t--) {
      boolean restarts = t + 1 < n && starts[t + 1];
      s = restarts ? x[t] * 0.25 + y[t] : x[t] * s + y[t];
      assertEquals(s, got[t], 1e-5 * (1 + Math.abs(s)), "step " + t);
    }
  }

  private static void filters(double[] prices, double[] timestamps, double[] rewards,
      double[][] results) {
    // doc-snippet: readme-filters
    Filters f = Filters.cpu();
    double[] ema = f.ema(prices, 0.05);
    double[] emaT = f.emaIrregular(prices, timestamps, 30.0);  // half-life, unit of timestamps
    double[] g = f.discountedSum(rewards, 0.99);
    // end-doc-snippet
    results[0] = ema;
    results[1] = emaT;
    results[2] = g;
  }

  @Test
  void filterSnippetsMatchSequentialLoops() {
    SplittableRandom r = new SplittableRandom(16);
    int n = 5_003;
    double[] prices = new double[n];
    double[] times = new double[n];
    double[] rewards = new double[n];
    double t0 = 0;
    for (int t = 0; t < n; t++) {
      prices[t] = 100 + r.nextDouble();
      t0 += 1 + 10 * r.nextDouble();
      times[t] = t0;
      rewards[t] = r.nextDouble() - 0.5;
    }
    double[][] got = new double[3][];
    filters(prices, times, rewards, got);
    double ema = prices[0];
    double g = 0;
    for (int t = 0; t < n; t++) {
      ema = t == 0 ? prices[0] : 0.95 * ema + 0.05 * prices[t];
      assertEquals(ema, got[0][t], 1e-9 * Math.abs(ema), "ema at " + t);
    }
    for (int t = n - 1; t >= 0; t--) {
      g = rewards[t] + 0.99 * g;
      assertEquals(g, got[2][t], 1e-9 * (1 + Math.abs(g)), "discounted sum at " + t);
    }
    double e = prices[0];
    for (int t = 1; t < n; t++) {
      double d = Math.pow(0.5, (times[t] - times[t - 1]) / 30.0);
      e = d * e + (1 - d) * prices[t];
      assertEquals(e, got[1][t], 1e-9 * Math.abs(e), "irregular ema at " + t);
    }
  }

  private static void chunks(Sequence part1A, Sequence part1B, Sequence part2A, Sequence part2B,
      double[] h0, int width, Sequence part1Out, Sequence part2Out) {
    // doc-snippet: readme-chunks
    // the chunked protocol by hand (what the GPU and Spark backends do), one series in two chunks
    Backend backend = Backends.cpu();
    ScanOptions opts = ScanOptions.defaults();
    Summary s1 = backend.reduce(part1A, part1B, opts);                      // phase 1, per chunk
    Summary s2 = backend.reduce(part2A, part2B, opts);
    double[][] carries = Affine.exclusiveScan(List.of(s1, s2), h0, width);  // phase 2
    backend.apply(part1A, part1B, carries[0], opts, part1Out);              // phase 3, per chunk
    backend.apply(part2A, part2B, carries[1], opts, part2Out);

    // or keep a chunk's states between the phases (what Spark's scanChunks does on the CPU):
    // phase 1 scans it from a zero state and returns its summary (null: this backend has no
    // guess, reduce and apply as above), phase 3 fixes only the steps the carry still reaches
    Backend oneThread = Backends.singleThread();
    Summary k2 = oneThread.guess(part2A, part2B, opts, part2Out);
    if (k2 != null) {
      double[][] c = Affine.exclusiveScan(List.of(s1, k2), h0, width);
      oneThread.settle(part2A, part2B, c[1], opts, part2Out);
    }
    // end-doc-snippet
  }

  /** Width 1 (one channel has a guess: the guess-and-settle half runs) and width 3 (none). */
  @Test
  void chunkedProtocolSnippetEqualsOneScanOfTheWholeSeries() {
    for (int w : new int[] {1, 3}) {
      chunkedProtocol(w);
    }
  }

  private static void chunkedProtocol(int w) {
    int n1 = 4_099;
    int n2 = 7_001;
    Sequence a1 = TestInputs.multipliers(n1, w, 1);
    Sequence b1 = TestInputs.values(n1, w, 2);
    Sequence a2 = TestInputs.multipliers(n2, w, 3);
    Sequence b2 = TestInputs.values(n2, w, 4);
    double[] h0 = new double[w];
    for (int c = 0; c < w; c++) {
      h0[c] = 0.5 - c;
    }
    Sequence out1 = Sequence.allocate(Precision.FLOAT64, n1, w);
    Sequence out2 = Sequence.allocate(Precision.FLOAT64, n2, w);
    Summary guess = Backends.singleThread().guess(a2, b2, ScanOptions.defaults(),
        Sequence.allocate(Precision.FLOAT64, n2, w));
    assertEquals(w == 1, guess != null, "a guess for width " + w);
    chunks(a1, b1, a2, b2, h0, w, out1, out2);
    Sequence whole = Backends.reference().scan(TestInputs.concat(a1, a2),
        TestInputs.concat(b1, b2), ScanOptions.defaults().withInitialState(h0));
    for (int t = 0; t < n1 + n2; t++) {
      for (int c = 0; c < w; c++) {
        double want = whole.get(t, c);
        double got = t < n1 ? out1.get(t, c) : out2.get(t - n1, c);
        assertEquals(want, got, 1e-12 * (1 + Math.abs(want)),
            "width " + w + ", step " + t + ", channel " + c);
      }
    }
  }

  private static void backward(Backend backend, Sequence a, Sequence h, Sequence gradH,
      ScanOptions opts, Sequence[] grads, double[][] g0) {
    // doc-snippet: readme-backward
    // gradients for training: dL/da, dL/db, dL/dh0 from dL/dh
    Sequence gradA = a.allocateLike();
    Sequence gradB = a.allocateLike();
    double[] gradH0 = new double[a.width()];
    backend.backward(a, h, gradH, opts, gradA, gradB, gradH0);
    // end-doc-snippet
    grads[0] = gradA;
    grads[1] = gradB;
    g0[0] = gradH0;
  }

  @Test
  void backwardSnippetMatchesTheReferenceBackend() {
    int n = 2_003;
    int w = 2;
    Sequence a = TestInputs.multipliers(n, w, 5);
    Sequence b = TestInputs.values(n, w, 6);
    Sequence gh = TestInputs.values(n, w, 7);
    ScanOptions o = ScanOptions.defaults().withInitialState(new double[] {0.3, -0.2});
    Sequence h = Backends.reference().scan(a, b, o);
    Sequence[] got = new Sequence[2];
    double[][] g0 = new double[1][];
    backward(Backends.cpu(), a, h, gh, o, got, g0);
    Sequence[] want = new Sequence[2];
    double[][] w0 = new double[1][];
    backward(Backends.reference(), a, h, gh, o, want, w0);
    for (int t = 0; t < n; t++) {
      for (int c = 0; c < w; c++) {
        assertEquals(want[0].get(t, c), got[0].get(t, c), 1e-10, "dL/da at " + t);
        assertEquals(want[1].get(t, c), got[1].get(t, c), 1e-10, "dL/db at " + t);
      }
    }
    assertEquals(w0[0][0], g0[0][0], 1e-10);
    assertEquals(w0[0][1], g0[0][1], 1e-10);
  }

  /** Inputs for the snippets (public API only). */
  static final class TestInputs {
    private TestInputs() {}

    static Sequence multipliers(int n, int w, long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      double[] v = new double[n * w];
      for (int i = 0; i < v.length; i++) {
        v[i] = (r.nextBoolean() ? 1 : -1) * (0.3 + 0.68 * r.nextDouble());
      }
      return Sequence.of(v, w);
    }

    static Sequence values(int n, int w, long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      double[] v = new double[n * w];
      for (int i = 0; i < v.length; i++) {
        v[i] = 2 * r.nextDouble() - 1;
      }
      return Sequence.of(v, w);
    }

    static Sequence concat(Sequence x, Sequence y) {
      int w = x.width();
      double[] v = new double[(x.steps() + y.steps()) * w];
      for (int t = 0; t < x.steps(); t++) {
        for (int c = 0; c < w; c++) {
          v[t * w + c] = x.get(t, c);
        }
      }
      for (int t = 0; t < y.steps(); t++) {
        for (int c = 0; c < w; c++) {
          v[(x.steps() + t) * w + c] = y.get(t, c);
        }
      }
      return Sequence.of(v, w);
    }
  }
}
