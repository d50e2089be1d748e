package dev.longscan;

import static dev.longscan.TestData.assertClose;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Filters make and scan their coefficients block by block: the result does not depend on the
 * block size (against the sequential float64 reference in one block), and a call allocates its
 * result and one block of coefficients, not whole copies of the input.
 */
class FiltersInBlocksTest {
  private static final double TOL = 1e-11;

  private static Sequence input(int n, int w, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Sequence x = Sequence.allocate(Precision.FLOAT64, n, w);
    for (int i = 0; i < n * w; i++) {
      x.put(i, r.nextDouble() * 4 - 2);
    }
    return x;
  }

  private static double[] times(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] t = new double[n];
    double now = 5;
    for (int i = 0; i < n; i++) {
      now += 0.01 + r.nextDouble();
      t[i] = now;
    }
    return t;
  }

  /** Every filter, segmented or not, for one block size, as one array per filter. */
  private static Sequence[] all(Filters f, Sequence x, double[] t, boolean[] starts) {
    Sequence cumprodInput = x.allocateLike();
    for (int i = 0; i < x.size(); i++) {
      cumprodInput.put(i, 1 + 0.01 * x.at(i));
    }
    return new Sequence[] {
        f.ema(x, 0.13, starts), f.emaIrregular(x, t, 1.7, starts), f.emaAdjusted(x, 0.2, starts),
        f.emaAdjustedIrregular(x, t, 0.9, starts), f.iir(x, 0.4, 0.85, starts),
        f.cumsum(x, starts), f.cumprod(cumprodInput, starts)};
  }

  @Test
  void resultDoesNotDependOnTheBlockSize() {
    Filters reference = Filters.using(Backends.reference()).withBlockElements(Integer.MAX_VALUE);
    for (int w : new int[] {1, 3}) {
      for (int n : new int[] {0, 1, 2, 1009}) {
        Sequence x = input(n, w, 31L * n + w);
        double[] t = times(n, n + 7L);
        for (boolean[] starts : new boolean[][] {null, TestData.starts(n, 0.03, n)}) {
          Sequence[] expected = all(reference, x, t, starts);
          for (int block : new int[] {1, 5, 64, 3000}) {
            for (Backend be : new Backend[] {Backends.sequential(), Backends.cpu(2, 16)}) {
              Sequence[] got = all(Filters.using(be).withBlockElements(block), x, t, starts);
              for (int k = 0; k < expected.length; k++) {
                assertClose(expected[k], got[k], TOL, "filter " + k + ", n=" + n + ", w=" + w
                    + ", block=" + block + ", " + be.name() + (starts != null ? ", segmented"
                    : ""));
              }
            }
          }
        }
      }
    }
  }

  /**
   * On the calling thread (the sequential backend), ema allocates its result and two blocks:
   * before it was made block by block it allocated a, b and the result, three times the input.
   */
  @Test
  void emaAllocatesItsResultAndOneBlock() {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    int n = 1_000_003;
    double[] x = input(n, 1, 3).doubleArray();
    int block = 1 << 16;
    Filters f = Filters.using(Backends.sequential()).withBlockElements(block);
    f.ema(x, 0.1); // warm-up: class loading, lambdas
    long tid = Thread.currentThread().getId();
    long before = mx.getThreadAllocatedBytes(tid);
    double[] e = f.ema(x, 0.1);
    long allocated = mx.getThreadAllocatedBytes(tid) - before;
    long input = 8L * n;
    assertTrue(e.length == n);
    assertTrue(allocated < input + 2L * block * 8 + (1 << 20), "allocated " + allocated
        + " bytes for an input of " + input);
    // the measurement tells the two apart: one block of the whole series allocates whole
    // copies, as ema did before
    Filters whole = f.withBlockElements(Integer.MAX_VALUE);
    long before1 = mx.getThreadAllocatedBytes(tid);
    whole.ema(x, 0.1);
    long allocated1 = mx.getThreadAllocatedBytes(tid) - before1;
    assertTrue(allocated1 >= 3 * input, "allocated " + allocated1 + " bytes in one block");
  }
}
