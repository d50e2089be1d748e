package dev.longscan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Long runs of multipliers above one half (an EMA with a small alpha): the running product of a
 * summary would stick at the smallest subnormal value (and every further multiply be slow); the
 * kernels flush it to zero. The flush must not move results beyond the parity tolerances.
 */
class SubnormalProductsTest {
  private static final double TOL32 = 2e-4;

  @Test
  void summaryProductsOfLongRunsFlushToZeroAndScansStayWithinTolerance() {
    for (int w : new int[] {1, 3, 64}) {
      int n = 12_001;
      float[] a = new float[n * w];
      float[] b = new float[n * w];
      SplittableRandom r = new SplittableRandom(7);
      for (int i = 0; i < a.length; i++) {
        a[i] = 0.99f;
        b[i] = (float) (r.nextDouble() - 0.5);
      }
      Sequence sa = Sequence.of(a, w);
      Sequence sb = Sequence.of(b, w);
      for (ScanOptions o : new ScanOptions[] {ScanOptions.defaults(), ScanOptions.reverse()}) {
        // 0.99^12001 is about 6e-53: zero in float32; unflushed, the float32 product would stay
        // at the smallest subnormal (1.4e-45) once it got there
        for (Backend be : new Backend[] {Backends.sequential(), Backends.cpu(),
            Backends.singleThread()}) {
          Summary s = be.reduce(sa, sb, o);
          for (int c = 0; c < w; c++) {
            assertEquals(0.0, s.a(c), be.name() + " width " + w + " " + o + ": summary a of"
                + " channel " + c);
          }
          Sequence h = be.scan(sa, sb, o);
          Sequence ref = Backends.reference().scan(sa, sb, o);
          for (int t = 0; t < n; t++) {
            for (int c = 0; c < w; c++) {
              double x = h.get(t, c);
              double y = ref.get(t, c);
              assertTrue(Math.abs(x - y) <= TOL32 * (1 + Math.abs(y)), be.name() + " width " + w
                  + " " + o + ": at step " + t + ", channel " + c + " expected " + y + ", found "
                  + x);
            }
          }
        }
      }
    }
  }
}
