package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.longscan.Backends;
import dev.longscan.OrderException;
import dev.longscan.ParameterException;
import dev.longscan.Precision;
import dev.longscan.ScanOptions;
import dev.longscan.Sequence;
import dev.longscan.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chunked format (one row per chunk of steps, arrays of coefficients) and the RDD entry
 * point, against the reference scan of all chunks laid end to end: several series, chunks of
 * random length (empty ones included), width 1 and 3, float32 and float64, both directions.
 */
class ChunkedFormatTest {
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTests.session();
  }

  /** Random chunks: series ids, ordinals with gaps, lengths 0..maxSteps, in order. */
  static final class Chunks {
    final List<Long> series = new ArrayList<>();
    final List<Long> ordinal = new ArrayList<>();
    final List<double[]> a = new ArrayList<>();
    final List<double[]> b = new ArrayList<>();
    final int width;

    Chunks(int seriesCount, int maxChunks, int maxSteps, int width, long seed) {
      this.width = width;
      SplittableRandom r = new SplittableRandom(seed);
      for (int s = 0; s < seriesCount; s++) {
        long ord = r.nextInt(5);
        int n = 1 + r.nextInt(maxChunks);
        for (int c = 0; c < n; c++) {
          int steps = r.nextInt(6) == 0 ? 0 : 1 + r.nextInt(maxSteps);
          double[] aa = new double[steps * width];
          double[] bb = new double[steps * width];
          for (int i = 0; i < aa.length; i++) {
            double m = 0.3 + 0.68 * r.nextDouble();
            aa[i] = r.nextBoolean() ? m : -m;
            bb[i] = 2 * r.nextDouble() - 1;
          }
          series.add(100L + 7 * s);
          ordinal.add(ord);
          ord += 1 + r.nextInt(3);
          a.add(aa);
          b.add(bb);
        }
      }
    }

    int count() {
      return a.size();
    }

    /** The reference scan of everything end to end, series as segments, per chunk. */
    List<double[]> reference(ScanOptions o) {
      int total = 0;
      for (double[] x : a) {
        total += x.length;
      }
      double[] aa = new double[total];
      double[] bb = new double[total];
      boolean[] starts = new boolean[total / width];
      int off = 0;
      for (int c = 0; c < count(); c++) {
        System.arraycopy(a.get(c), 0, aa, off, a.get(c).length);
        System.arraycopy(b.get(c), 0, bb, off, b.get(c).length);
        off += a.get(c).length;
      }
      // a series begins at the first step of its first chunk (empty chunks have none)
      int step = 0;
      for (int c = 0; c < count(); c++) {
        boolean newSeries = c == 0 || !series.get(c).equals(series.get(c - 1));
        if (newSeries && step < starts.length) {
          starts[step] = true;
        }
        step += a.get(c).length / width;
      }
      double[] h = Backends.reference().scan(Sequence.of(aa, width), Sequence.of(bb, width),
          o.withSegmentStarts(starts)).doubleArray();
      List<double[]> out = new ArrayList<>();
      off = 0;
      for (int c = 0; c < count(); c++) {
        double[] part = new double[a.get(c).length];
        System.arraycopy(h, off, part, 0, part.length);
        out.add(part);
        off += part.length;
      }
      return out;
    }

    List<List<Row>> rows(int[] cuts, boolean f32) {
      List<List<Row>> parts = new ArrayList<>();
      for (int p = 0; p + 1 < cuts.length; p++) {
        List<Row> rows = new ArrayList<>();
        for (int c = cuts[p]; c < cuts[p + 1]; c++) {
          rows.add(RowFactory.create(series.get(c), ordinal.get(c), box(a.get(c), f32),
              box(b.get(c), f32)));
        }
        parts.add(rows);
      }
      return parts;
    }

    private static Object box(double[] v, boolean f32) {
      List<Object> list = new ArrayList<>();
      for (double x : v) {
        list.add(f32 ? (Object) (float) x : (Object) x);
      }
      return scala.jdk.javaapi.CollectionConverters.asScala(list).toSeq();
    }

    static StructType schema(boolean f32) {
      return new StructType()
          .add("series", DataTypes.LongType, false)
          .add("chunk", DataTypes.LongType, false)
          .add("a", DataTypes.createArrayType(f32 ? DataTypes.FloatType : DataTypes.DoubleType,
              false), false)
          .add("b", DataTypes.createArrayType(f32 ? DataTypes.FloatType : DataTypes.DoubleType,
              false), false);
    }
  }

  private static void checkFrame(Chunks c, int[] cuts, boolean f32, ScanOptions o) {
    Dataset<Row> df = KeyedData.partitioned(spark, c.rows(cuts, f32), Chunks.schema(f32));
    ScanTransform scan = Scans.chunks("a", "b").key("series").orderBy("chunk").presorted()
        .width(c.width);
    if (o.isReverse()) {
      scan = scan.reverse();
    }
    if (o.initialState() != null) {
      scan = scan.initialState(o.initialState());
    }
    List<Row> out = df.transform(scan).select("series", "chunk", "h").collectAsList();
    assertEquals(c.count(), out.size());
    List<double[]> ref = c.reference(o);
    double tol = TestData.tolerance(f32 ? Precision.FLOAT32 : Precision.FLOAT64);
    for (int i = 0; i < out.size(); i++) {
      Row r = out.get(i);
      assertEquals(c.series.get(i), r.getLong(0));
      assertEquals(c.ordinal.get(i), r.getLong(1));
      List<Object> h = r.getList(2);
      double[] got = new double[h.size()];
      for (int k = 0; k < got.length; k++) {
        got[k] = ((Number) h.get(k)).doubleValue();
      }
      TestData.assertClose(ref.get(i), got, tol, "chunk " + i + " (" + (cuts.length - 1)
          + " partitions, " + (f32 ? "float32" : "float64") + ")");
    }
  }

  @Test
  void dataFrameChunksFloat64AndFloat32() {
    Chunks c = new Chunks(4, 9, 40, 1, 11);
    checkFrame(c, new int[] {0, c.count()}, false, ScanOptions.defaults());
    checkFrame(c, KeyedData.randomCuts(c.count(), 9, 5), false, ScanOptions.defaults());
    checkFrame(c, KeyedData.randomCuts(c.count(), 30, 6), true, ScanOptions.defaults());
  }

  @Test
  void dataFrameChunksWideReverseWithInitialState() {
    Chunks c = new Chunks(3, 7, 25, 3, 12);
    ScanOptions o = ScanOptions.reverse().withInitialState(new double[] {0.5, -1, 2});
    checkFrame(c, KeyedData.randomCuts(c.count(), 8, 7), false, o);
    checkFrame(c, KeyedData.randomCuts(c.count(), 8, 8), false,
        ScanOptions.defaults().withInitialState(new double[] {0.5, -1, 2}));
  }

  @Test
  void rddEntryPoint() {
    Chunks c = new Chunks(3, 8, 30, 2, 13);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Chunk> chunks = new ArrayList<>();
    for (int i = 0; i < c.count(); i++) {
      chunks.add(Chunk.of(c.series.get(i), c.ordinal.get(i), 2, c.a.get(i), c.b.get(i)));
    }
    for (ScanOptions o : new ScanOptions[] {ScanOptions.defaults(),
        ScanOptions.reverse().withInitialState(new double[] {1, -1})}) {
      JavaRDD<Chunk> rdd = jsc.parallelize(chunks, 6);
      List<ChunkResult> out = Scans.scanChunks(rdd, 2, o).collect();
      List<double[]> ref = c.reference(o);
      assertEquals(c.count(), out.size());
      for (int i = 0; i < out.size(); i++) {
        assertEquals(c.ordinal.get(i), out.get(i).ordinal());
        assertEquals(c.series.get(i), out.get(i).series());
        TestData.assertClose(ref.get(i), out.get(i).h().toDoubleArray(), 1e-12,
            "rdd chunk " + i + " " + o);
      }
    }
  }

  @Test
  void rddChunksOutOfOrderAreRejected() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Chunk> chunks = List.of(Chunk.of(0, new double[] {1}, new double[] {1}),
        Chunk.of(2, new double[] {1}, new double[] {1}),
        Chunk.of(1, new double[] {1}, new double[] {1}));
    OrderException e = assertThrows(OrderException.class,
        () -> Scans.scanChunks(jsc.parallelize(chunks, 2)));
    assertEquals("expected strictly increasing values of chunk ordinal column 'ordinal' within"
        + " each key, found 1 after 2 at row 2 of key series=0 (row 2 of the input, partition 1)",
        e.getMessage());
    assertThrows(ParameterException.class, () -> Scans.scanChunks(jsc.parallelize(chunks, 2), 0,
        ScanOptions.defaults()));
  }
}
