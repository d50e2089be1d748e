package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.NonFinitePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.junit.jupiter.api.Test;

/**
 * Phase 1 over column batches, whose good rows take the fast lane, against phase 1 over the same
 * rows one at a time: the same report — rows, runs, first and last keys and order values, every
 * summary bit for bit, and the same first error (kind, column, position, values) — over random
 * batches with integral keys of several widths, integral and floating order columns, and every
 * kind of bad row: nulls, keys out of order, repeated or decreasing order values, non-finite
 * order values and values.
 */
class ColumnarPhaseOneTest {
  private static final StructType ONE_KEY = new StructType()
      .add("k", DataTypes.LongType, true)
      .add("t", DataTypes.LongType, true)
      .add("x", DataTypes.DoubleType, true);
  private static final StructType TWO_KEYS = new StructType()
      .add("k", DataTypes.IntegerType, true)
      .add("j", DataTypes.ShortType, true)
      .add("t", DataTypes.DoubleType, true)
      .add("x", DataTypes.FloatType, true);

  @Test
  void batchesGiveTheReportOfTheirRows() {
    SplittableRandom r = new SplittableRandom(5);
    int fast = 0;
    for (int trial = 0; trial < 300; trial++) {
      boolean two = r.nextBoolean();
      StructType schema = two ? TWO_KEYS : ONE_KEY;
      String[] keys = two ? new String[] {"k", "j"} : new String[] {"k"};
      boolean ema = r.nextBoolean();
      StepModel model = ema ? new StepModel.EmaHalfLifeModel(20.0)
          : new StepModel.CumulativeModel(false, dev.longscan.Direction.FORWARD);
      NonFinitePolicy policy = r.nextBoolean() ? NonFinitePolicy.REJECT
          : NonFinitePolicy.PROPAGATE;
      LongscanConf.Settings st = new LongscanConf.Settings(
          k -> k.equals(LongscanConf.BACKEND) ? "cpu" : null);
      Columns.Value[] values = {new Columns.Value(schema, "x", "value")};
      RowScan scan = new RowScan(model, new Columns.Keys(schema, keys),
          new Columns.Time(schema, "t"), values, 1 + r.nextInt(9), policy, st.backends(true),
          schema);
      assertTrue(Columnar.eligible(scan.keys, scan.time, values));
      List<ColumnarBatch> batches = batches(r, schema, two, r.nextInt(4) == 0 ? 0
          : 1 + r.nextInt(300), trial % 3 == 0 ? -1 : r.nextInt(9));
      List<InternalRow> rows = new ArrayList<>();
      for (ColumnarBatch b : batches) {
        for (int i = 0; i < b.numRows(); i++) {
          rows.add(b.getRow(i).copy());
        }
      }
      PartitionReport byRow = scan.summarize(3, rows.iterator());
      PartitionReport byBatch = scan.summarizeBatches(3, batches.iterator());
      String what = "trial " + trial;
      assertSame(byRow, byBatch, what);
      if (byRow.error == null && byRow.rows > 1) {
        fast++;
      }
    }
    assertTrue(fast > 100, "trials without errors: " + fast);
  }

  private static void assertSame(PartitionReport e, PartitionReport a, String what) {
    assertEquals(e.rows, a.rows, what + ": rows");
    if (e.error != null) {
      assertNotNull(a.error, what + ": error " + e.error.kind + " missing");
      assertEquals(e.error.kind, a.error.kind, what + ": error kind");
      assertEquals(e.error.column, a.error.column, what + ": error column");
      assertEquals(e.error.row, a.error.row, what + ": error row");
      assertEquals(e.error.runIndex, a.error.runIndex, what + ": error run index");
      assertEquals(e.error.firstRun, a.error.firstRun, what + ": error in first run");
      assertArrayEquals(e.error.key, a.error.key, what + ": error key");
      assertEquals(e.error.found, a.error.found, what + ": error found");
      assertEquals(e.error.previous, a.error.previous, what + ": error previous");
      return;
    }
    assertNull(a.error, what + ": unexpected error");
    assertArrayEquals(e.firstKey, a.firstKey, what + ": first key");
    assertArrayEquals(e.lastKey, a.lastKey, what + ": last key");
    assertEquals(e.firstRun, a.firstRun, what + ": first run");
    assertEquals(e.lastRun, a.lastRun, what + ": last run");
    assertEquals(e.firstTimeL, a.firstTimeL, what + ": first time");
    assertEquals(e.lastTimeL, a.lastTimeL, what + ": last time");
    assertEquals(Double.doubleToLongBits(e.firstTimeD), Double.doubleToLongBits(a.firstTimeD));
    assertEquals(Double.doubleToLongBits(e.lastTimeD), Double.doubleToLongBits(a.lastTimeD));
    assertArrayEquals(e.entryIn, a.entryIn, what + ": entry inputs");
    assertArrayEquals(e.blocks, a.blocks, what + ": summaries");
  }

  /**
   * Random sorted rows in batches of random sizes; with {@code fault} ≥ 0, one bad row of that
   * kind somewhere (0 null key, 1 null order, 2 null value, 3 key below the one before,
   * 4 repeated order value, 5 decreasing order value, 6 non-finite order value, 7 non-finite
   * value, 8 a NaN order value).
   */
  private static List<ColumnarBatch> batches(SplittableRandom r, StructType schema, boolean two,
      int n, int fault) {
    long k = r.nextInt(100);
    long j = 0;
    double t = r.nextInt(1000);
    int bad = n == 0 ? -1 : r.nextInt(n);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (r.nextInt(8) == 0) {
        if (two && r.nextBoolean()) {
          j += 1 + r.nextInt(3);
        } else {
          k += 1 + r.nextInt(3);
          j = 0;
        }
        t = r.nextInt(1000);
      } else {
        t += 1 + r.nextInt(5);
      }
      Object[] row = {k, j, t, 10 * r.nextDouble() - 5};
      if (i == bad && fault >= 0) {
        switch (fault) {
          case 0:
            row[0] = null;
            break;
          case 1:
            row[2] = null;
            break;
          case 2:
            row[3] = null;
            break;
          case 3:
            row[0] = k - 1 - r.nextInt(3);
            break;
          case 4:
            row[2] = rows.isEmpty() ? t : rows.get(rows.size() - 1)[2];
            break;
          case 5:
            row[2] = t - 50;
            break;
          case 6:
            row[2] = Double.POSITIVE_INFINITY;
            break;
          case 7:
            row[3] = Double.NaN;
            break;
          default:
            row[2] = Double.NaN;
        }
      }
      rows.add(row);
    }
    List<ColumnarBatch> out = new ArrayList<>();
    for (int from = 0; from < n || out.isEmpty(); ) {
      int size = Math.min(n - from, r.nextInt(5) == 0 ? 1 : 1 + r.nextInt(40));
      out.add(batch(schema, two, rows.subList(from, from + size)));
      from += size;
      if (n == 0) {
        break;
      }
    }
    return out;
  }

  private static ColumnarBatch batch(StructType schema, boolean two, List<Object[]> rows) {
    int n = rows.size();
    int[] src = two ? new int[] {0, 1, 2, 3} : new int[] {0, 2, 3};
    ColumnVector[] cols = new ColumnVector[src.length];
    for (int c = 0; c < src.length; c++) {
      DataType type = schema.fields()[c].dataType();
      OnHeapColumnVector v = new OnHeapColumnVector(Math.max(1, n), type);
      for (int i = 0; i < n; i++) {
        Object o = rows.get(i)[src[c]];
        if (o == null) {
          v.putNull(i);
        } else if (type == DataTypes.LongType) {
          v.putLong(i, o instanceof Long ? (Long) o : (long) (double) (Double) o);
        } else if (type == DataTypes.IntegerType) {
          v.putInt(i, (int) (long) (Long) o);
        } else if (type == DataTypes.ShortType) {
          v.putShort(i, (short) (long) (Long) o);
        } else if (type == DataTypes.FloatType) {
          v.putFloat(i, (float) (double) (Double) o);
        } else {
          v.putDouble(i, (Double) o);
        }
      }
      cols[c] = v;
    }
    return new ColumnarBatch(cols, n);
  }
}
