package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Time gaps are taken exactly, in the order column's own integer unit, before they become
 * doubles: epoch nanoseconds (about 1.7e18, where doubles are 256 apart) and values near 2^60
 * (where they are 256 apart too) keep gaps of 300 and 32, on every path (inline and block
 * phase 3, sorted by longscan, cached column batches), with partitions cut inside the series so
 * that the gap across a partition boundary (computed on the driver) is exercised as well as the
 * gaps within one.
 */
class ExactGapsTest {
  static SparkSession spark;
  static final StructType LONG_KEY = new StructType()
      .add("k", DataTypes.LongType, false)
      .add("t", DataTypes.LongType, false)
      .add("x", DataTypes.DoubleType, false);
  static final StructType STRING_KEY = new StructType()
      .add("k", DataTypes.StringType, false)
      .add("t", DataTypes.LongType, false)
      .add("x", DataTypes.DoubleType, false);

  @BeforeAll
  static void start() {
    spark = SparkTests.session();
  }

  @AfterEach
  void reset() {
    spark.conf().unset(LongscanConf.INLINE_PHASE3);
  }

  /**
   * One key, rows t0 + step·i with x = 0 at i = 0 and 1 after, in partitions of the given
   * sizes (13 rows in all); a string or a long key.
   */
  static Dataset<Row> frame(long t0, long step, int[] sizes, boolean stringKey) {
    List<List<Row>> parts = new ArrayList<>();
    int i = 0;
    for (int s : sizes) {
      List<Row> p = new ArrayList<>();
      for (int j = 0; j < s; j++, i++) {
        p.add(RowFactory.create(stringKey ? (Object) "a" : (Object) 7L, t0 + step * i,
            i == 0 ? 0.0 : 1.0));
      }
      parts.add(p);
    }
    return KeyedData.partitioned(spark, parts, stringKey ? STRING_KEY : LONG_KEY);
  }

  /**
   * The reference: every gap is one half-life, so the sequential float64 recurrence y_i =
   * ½ y_{i−1} + ½ x_i from y_0 = x_0 = 0 (that is 1 − 2^−i).
   */
  static double[] reference(int n) {
    double[] y = new double[n];
    for (int i = 1; i < n; i++) {
      y[i] = 0.5 * y[i - 1] + 0.5;
    }
    return y;
  }

  /** The adjusted EMA with weights halving every row: Σ 2^−(i−j) x_j / Σ 2^−(i−j). */
  static double[] adjustedReference(int n) {
    double[] y = new double[n];
    double num = 0;
    double den = 0;
    for (int i = 0; i < n; i++) {
      num = 0.5 * num + (i == 0 ? 0.0 : 1.0);
      den = 0.5 * den + 1.0;
      y[i] = num / den;
    }
    return y;
  }

  private static void check(double[] expected, Dataset<Row> out, String column, String what) {
    List<Row> rows = out.select("t", column).collectAsList();
    assertEquals(expected.length, rows.size(), what + ": rows");
    long prev = Long.MIN_VALUE;
    for (int i = 0; i < expected.length; i++) {
      long t = rows.get(i).getLong(0);
      // the invariant: rows come back in order
      assertEquals(true, t > prev, what + ": order at row " + i);
      prev = t;
      assertEquals(expected[i], rows.get(i).getDouble(1), 1e-12, what + ": row " + i);
    }
  }

  private void everyPath(long t0, long step, double halfLife) {
    double[] ema = reference(13);
    double[] adj = adjustedReference(13);
    String what = "t0=" + t0 + " step=" + step;
    // string key, partitions of 1, 5, 0 and 7 rows: inline, block path, sorted by longscan
    Dataset<Row> df = frame(t0, step, new int[] {1, 5, 0, 7}, true);
    ScanTransform scan = Scans.emaHalfLife("x", halfLife).key("k").orderBy("t");
    ScanTransform adjusted = Scans.adjustedEmaHalfLife("x", halfLife).key("k").orderBy("t");
    spark.conf().set(LongscanConf.INLINE_PHASE3, "true");
    check(ema, df.transform(scan.presorted()), "ema", what + ", inline");
    spark.conf().set(LongscanConf.INLINE_PHASE3, "false");
    check(ema, df.transform(scan.presorted()), "ema", what + ", blocks");
    check(adj, df.transform(adjusted.presorted()), "ema", what + ", adjusted, blocks");
    check(ema, df.transform(scan), "ema", what + ", sorted by longscan");
    // long key, cached: numeric columns come as column batches to phase 1's fast lane
    Dataset<Row> cached = frame(t0, step, new int[] {6, 7}, false).cache();
    try {
      spark.conf().set(LongscanConf.INLINE_PHASE3, "true");
      ScanResult r = scan.presorted().run(cached);
      assertEquals(true, r.phase1Input().startsWith("column batches"), r.phase1Input());
      check(ema, r.dataset(), "ema", what + ", column batches, inline");
      check(adj, cached.transform(adjusted.presorted()), "ema", what + ", adjusted, inline");
    } finally {
      cached.unpersist(true);
    }
  }

  @Test
  void epochNanosecondsKeepTheirGaps() {
    // the example: gaps of 300 ns, half-life 300 → 0, 0.5, 0.75, … (doubles of the
    // time stamps themselves gave gaps of 256 or 512 and 0, 0.4465, 0.6936, …)
    everyPath(1_700_000_000_123_456_789L, 300, 300.0);
  }

  @Test
  void valuesNearTwoToTheSixtyKeepTheirGaps() {
    // 2^60 + 32 i: all rows round to a few doubles, which used to fail every task as duplicates
    everyPath(1L << 60, 32, 32.0);
  }

  @Test
  void aDurationHalfLifeBecomesMicrosecondsExactly() {
    // timestamps are read in microseconds: 300 ns is 0.3 µs (via seconds it was
    // 0.30000000000000004), 999999999 ns is 999999.999 µs
    StructType ts = new StructType().add("ts", DataTypes.TimestampType, false);
    Columns.Time t = new Columns.Time(ts, "ts");
    assertEquals(0.3, Scans.emaHalfLife("x", java.time.Duration.ofNanos(300))
        .halfLifeInTimeUnits(t), 0.0);
    assertEquals(5_999_999.999, Scans.adjustedEmaHalfLife("x",
        java.time.Duration.ofSeconds(5, 999_999_999)).halfLifeInTimeUnits(t), 0.0);
  }

  @Test
  void gapsAcrossTheWholeLongRangeAreRoundedOnce() {
    assertEquals(0x1p64 - 0x1p11, Columns.unsignedToDouble(-2048L), 0.0);
    assertEquals(0x1p64, Columns.unsignedToDouble(-1L), 0.0);
    assertEquals(0x1p63, Columns.unsignedToDouble(Long.MIN_VALUE), 0.0);
    // a gap from Long.MIN_VALUE to Long.MAX_VALUE is 2^64 − 1, rounded to 2^64
    Columns.Time t = new Columns.Time(LONG_KEY, "t");
    assertEquals(0x1p64, t.gap(Long.MIN_VALUE, Double.NaN, Long.MAX_VALUE, Double.NaN), 0.0);
    assertEquals(300.0, t.gap(1_700_000_000_123_456_789L, Double.NaN,
        1_700_000_000_123_457_089L, Double.NaN), 0.0);
    // round to nearest even at the 2^53 boundary: 2^53 + 1 → 2^53, 2^53 + 3 → 2^53 + 4
    assertEquals(0x1p53, Columns.unsignedToDouble((1L << 53) + 1), 0.0);
    assertEquals(0x1p53 + 4, Columns.unsignedToDouble((1L << 53) + 3), 0.0);
  }
}
