package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.DenseScan;
import dev.longscan.Direction;
import dev.longscan.NonFiniteException;
import dev.longscan.NonFinitePolicy;
import dev.longscan.OrderException;
import dev.longscan.ParameterException;
import dev.longscan.Precision;
import dev.longscan.ScanOptions;
import dev.longscan.Sequence;
import dev.longscan.ShapeException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dense chunks over Spark against the single-machine {@link DenseScan}: each series (a key)
 * scanned whole by the sequential loop, compared chunk by chunk with the distributed result for
 * 1, 2 and 7 partitions, chunks of uneven lengths (empty and one-step ones included), series
 * that change inside and across partitions, both directions, with and without h0, float64 and
 * float32; plus the invariant that the partitioning does not change the result beyond rounding.
 */
class DenseChunksTest {
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTests.session();
  }

  /** Random dense chunks of {@code series} keys, in (series, ordinal) order. */
  static List<DenseChunk> chunks(int series, int n, int batch, boolean f32, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<DenseChunk> out = new ArrayList<>();
    int w = batch * n;
    for (int s = 0; s < series; s++) {
      long ord = r.nextInt(4);
      int count = 1 + r.nextInt(9);
      for (int c = 0; c < count; c++) {
        int steps = r.nextInt(5) == 0 ? r.nextInt(2) : 1 + r.nextInt(37);
        double[] j = new double[steps * w * n];
        double[] b = new double[steps * w];
        for (int i = 0; i < j.length; i++) {
          j[i] = (2 * r.nextDouble() - 1) * 0.95 / Math.sqrt(n);
        }
        for (int i = 0; i < b.length; i++) {
          b[i] = 2 * r.nextDouble() - 1;
        }
        long key = 10L + 3 * s;
        if (f32) {
          out.add(DenseChunk.of(key, ord, n, batch, toFloat(j), toFloat(b)));
        } else {
          out.add(DenseChunk.of(key, ord, n, batch, j, b));
        }
        ord += 1 + r.nextInt(3);
      }
    }
    return out;
  }

  private static float[] toFloat(double[] x) {
    float[] f = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      f[i] = (float) x[i];
    }
    return f;
  }

  /** Each chunk's states from the sequential loop over its whole series. */
  static List<double[]> reference(List<DenseChunk> chunks, int n, ScanOptions o) {
    List<double[]> out = new ArrayList<>();
    int i = 0;
    while (i < chunks.size()) {
      int k = i;
      int steps = 0;
      while (k < chunks.size() && chunks.get(k).series() == chunks.get(i).series()) {
        steps += chunks.get(k).steps();
        k++;
      }
      DenseChunk first = chunks.get(i);
      int w = first.width();
      Sequence j = Sequence.allocate(Precision.FLOAT64, steps, w * n);
      Sequence b = Sequence.allocate(Precision.FLOAT64, steps, w);
      int t = 0;
      for (int c = i; c < k; c++) {
        DenseChunk d = chunks.get(c);
        for (int s = 0; s < d.steps(); s++, t++) {
          for (int e = 0; e < w * n; e++) {
            j.set(t, e, d.j().get(s, e));
          }
          for (int e = 0; e < w; e++) {
            b.set(t, e, d.b().get(s, e));
          }
        }
      }
      Sequence h = DenseScan.sequential().scan(n, j, b, o);
      t = 0;
      for (int c = i; c < k; c++) {
        int m = chunks.get(c).steps();
        out.add(h.slice(t, t + m).toDoubleArray());
        t += m;
      }
      i = k;
    }
    return out;
  }

  private static void check(List<DenseChunk> chunks, int n, int batch, ScanOptions o,
      double tol, String what) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<double[]> ref = reference(chunks, n, o);
    List<double[]> onePartition = null;
    for (int parts : new int[] {1, 2, 7}) {
      List<ChunkResult> got = Scans.scanDenseChunks(jsc.parallelize(chunks, parts), n, batch, o)
          .collect();
      assertEquals(chunks.size(), got.size(), what + ", " + parts + " partitions");
      List<double[]> states = new ArrayList<>();
      for (int i = 0; i < got.size(); i++) {
        ChunkResult g = got.get(i);
        DenseChunk c = chunks.get(i);
        String where = what + ", " + parts + " partitions, chunk " + i;
        assertEquals(c.series(), g.series(), where);
        assertEquals(c.ordinal(), g.ordinal(), where);
        assertEquals(c.precision(), g.precision(), where);
        assertEquals(batch * n, g.width(), where);
        double[] h = g.h().toDoubleArray();
        double[] e = ref.get(i);
        assertEquals(e.length, h.length, where);
        for (int k = 0; k < h.length; k++) {
          assertTrue(Double.isFinite(h[k]), where);
          assertEquals(e[k], h[k], tol * (1 + Math.abs(e[k])), where + ", value " + k);
        }
        states.add(h);
      }
      // the invariant: the partitioning changes nothing beyond rounding
      if (onePartition == null) {
        onePartition = states;
      } else {
        for (int i = 0; i < states.size(); i++) {
          for (int k = 0; k < states.get(i).length; k++) {
            double x = onePartition.get(i)[k];
            assertEquals(x, states.get(i)[k], tol * (1 + Math.abs(x)), what + ", invariant");
          }
        }
      }
    }
  }

  @Test
  void denseChunksEqualTheSingleMachineScan() {
    int n = 3;
    int batch = 2;
    double[] h0 = {0.5, -1, 2, 0.25, 0, -0.75};
    List<DenseChunk> f64 = chunks(4, n, batch, false, 41);
    check(f64, n, batch, ScanOptions.defaults(), 1e-11, "forward");
    check(f64, n, batch, ScanOptions.defaults().withInitialState(h0), 1e-11, "forward, h0");
    check(f64, n, batch, ScanOptions.defaults().withDirection(Direction.REVERSE)
        .withInitialState(h0), 1e-11, "reverse, h0");
    check(chunks(3, 1, 1, false, 43), 1, 1, ScanOptions.defaults(), 1e-12, "n = 1");
    check(chunks(3, n, batch, true, 47), n, batch, ScanOptions.defaults().withInitialState(h0),
        2e-5, "float32");
  }

  @Test
  void badDenseChunksAreRejected() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    double[] one = {0.5};
    List<DenseChunk> unordered = List.of(DenseChunk.of(0, 0, 1, 1, one, one),
        DenseChunk.of(0, 2, 1, 1, one, one), DenseChunk.of(0, 1, 1, 1, one, one));
    OrderException e = assertThrows(OrderException.class,
        () -> Scans.scanDenseChunks(jsc.parallelize(unordered, 2), 1, 1, ScanOptions.defaults()));
    assertTrue(e.getMessage().contains("found 1 after 2"), e.getMessage());
    List<DenseChunk> mixed = List.of(DenseChunk.of(0, 0, 1, 1, one, one),
        DenseChunk.of(0, 1, 1, 2, new double[] {0.5, 0.5}, new double[] {1, 1}));
    ShapeException s = assertThrows(ShapeException.class,
        () -> Scans.scanDenseChunks(jsc.parallelize(mixed, 1), 1, 1, ScanOptions.defaults()));
    assertTrue(s.getMessage().startsWith("expected chunks of batch 1 and n 1, found batch 2 and"
        + " n 1"), s.getMessage());
    List<DenseChunk> nan = List.of(DenseChunk.of(0, 0, 1, 1, new double[] {Double.NaN}, one));
    assertThrows(NonFiniteException.class, () -> Scans.scanDenseChunks(jsc.parallelize(nan, 1),
        1, 1, ScanOptions.defaults().withNonFinite(NonFinitePolicy.REJECT)));
    assertThrows(ParameterException.class, () -> Scans.scanDenseChunks(
        jsc.parallelize(unordered, 1), 0, 1, ScanOptions.defaults()));
    assertThrows(ParameterException.class, () -> Scans.scanDenseChunks(
        jsc.parallelize(unordered, 1), 1, 1, ScanOptions.defaults().withInitialState(
            new double[] {1, 2})));
    ShapeException shape = assertThrows(ShapeException.class,
        () -> DenseChunk.of(0, 0, 2, 1, new double[3], new double[2]));
    assertEquals("expected b of steps·batch·n values and j of steps·batch·n·n (batch 1, n 2),"
        + " found b.length=2, j.length=3 (series 0, chunk ordinal 0)", shape.getMessage());
  }
}
