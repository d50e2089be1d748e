package dev.longscan.tasks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.ParameterException;
import dev.longscan.Precision;
import org.junit.jupiter.api.Test;

class TasksTest {

  @Test
  void twoBHasTheSignAtStepZeroAndOneHotsAfter() {
    int steps = 37;
    int batch = 11;
    Batch b = new TwoB().next(Rng.seeded(5), steps, batch, Precision.FLOAT32);
    assertEquals(steps * batch, b.inputs().rows());
    assertEquals(128, b.inputs().cols());
    int[] counts = new int[128];
    int positives = 0;
    for (int s = 0; s < batch; s++) {
      double x0 = b.inputs().get(s, 0);
      assertEquals(b.labels()[s] == 1 ? 1.0 : -1.0, x0, 0, "sequence " + s);
      positives += b.labels()[s];
      for (int c = 1; c < 128; c++) {
        assertEquals(0.0, b.inputs().get(s, c), 0);
      }
      for (int t = 1; t < steps; t++) {
        double sum = 0;
        for (int c = 0; c < 128; c++) {
          double v = b.inputs().get(t * batch + s, c);
          assertTrue(v == 0 || v == 1);
          sum += v;
          if (v == 1) {
            counts[c]++;
          }
        }
        assertEquals(1.0, sum, 0, "step " + t + " of sequence " + s + " is one-hot");
      }
    }
    assertTrue(positives > 0 && positives < batch, "both labels occur");
    Batch big = new TwoB().next(Rng.seeded(6), 1001, 8, Precision.FLOAT64);
    int[] freq = new int[128];
    for (int r = 8; r < big.inputs().rows(); r++) {
      for (int c = 0; c < 128; c++) {
        if (big.inputs().get(r, c) == 1) {
          freq[c]++;
        }
      }
    }
    // 8000 draws over 128 values: 62.5 expected each
    for (int c = 0; c < 128; c++) {
      assertTrue(freq[c] > 25 && freq[c] < 110, "dimension " + c + " drawn " + freq[c] + " times");
    }
  }

  @Test
  void sameStateSameBatchAndOneStepWorks() {
    Rng r = Rng.seeded(3);
    r.nextLong();
    long state = r.state();
    Batch a = new TwoB().next(r, 9, 4, Precision.FLOAT32);
    Batch b = new TwoB().next(Rng.fromState(state), 9, 4, Precision.FLOAT32);
    assertArrayEquals(a.inputs().toDoubleArray(), b.inputs().toDoubleArray(), 0);
    assertArrayEquals(a.labels(), b.labels());
    Batch one = new TwoB().next(Rng.seeded(1), 1, 3, Precision.FLOAT32);
    assertEquals(3, one.inputs().rows());
    ParameterException e = assertThrows(ParameterException.class,
        () -> new TwoB().next(Rng.seeded(1), 0, 3, Precision.FLOAT32));
    assertTrue(e.getMessage().contains("steps >= 1"), e.getMessage());
  }

  @Test
  void addingMarksOneStepInEachHalfAndTargetsTheirSum() {
    int steps = 23;
    int batch = 7;
    Batch b = new Adding().next(Rng.seeded(8), steps, batch, Precision.FLOAT64);
    for (int s = 0; s < batch; s++) {
      double sum = 0;
      int marks = 0;
      int firstHalf = 0;
      for (int t = 0; t < steps; t++) {
        double v = b.inputs().get(t * batch + s, 0);
        assertTrue(v >= 0 && v < 1);
        if (b.inputs().get(t * batch + s, 1) == 1) {
          marks++;
          sum += v;
          firstHalf += t < steps / 2 ? 1 : 0;
        }
      }
      assertEquals(2, marks);
      assertEquals(1, firstHalf);
      assertEquals(sum, b.values().get(s, 0), 1e-15);
    }
    Batch one = new Adding().next(Rng.seeded(8), 1, 2, Precision.FLOAT64);
    assertEquals(one.inputs().get(0, 0), one.values().get(0, 0), 0);
  }

  @Test
  void rngIsUniformAndNamedTasksResolve() {
    Rng r = Rng.seeded(42);
    double sum = 0;
    for (int i = 0; i < 100_000; i++) {
      double d = r.nextDouble();
      assertTrue(d >= 0 && d < 1);
      sum += d;
    }
    assertEquals(0.5, sum / 100_000, 0.01);
    assertEquals("2b", Task.named("2b").name());
    assertEquals("adding", Task.named("adding").name());
    ParameterException e = assertThrows(ParameterException.class, () -> Task.named("copy"));
    assertTrue(e.getMessage().contains("found 'copy'"), e.getMessage());
  }
}
