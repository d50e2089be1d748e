package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code spark.longscan.chunkSize} at its documented maximum (2^28 rows) on a small input: the
 * block buffers grow with the rows that arrive instead of being allocated for a full block (which
 * took 2^28 + 1 doubles per array, several GiB per task, and killed the JVM); and the buffer of
 * phase 3's rows holds more than the 2 GiB one array can.
 */
class LargeChunkSizeTest {
  static SparkSession spark;
  static final int MAX = 1 << 28;

  @BeforeAll
  static void start() {
    spark = SparkTests.session();
  }

  @AfterEach
  void reset() {
    spark.conf().unset(LongscanConf.CHUNK_SIZE);
    spark.conf().unset(LongscanConf.INLINE_PHASE3);
  }

  @Test
  void theLargestChunkSizeOnASmallInput() {
    KeyedData d = KeyedData.random(4, 60, 21);
    int[] cuts = KeyedData.randomCuts(d.rows(), 3, 5);
    Dataset<Row> df = d.frame(spark, cuts);
    ScanTransform[] scans = {
        Scans.emaHalfLife("x", 40.0).key("key").orderBy("t").presorted(),
        Scans.adjustedEma("x", 0.2).key("key").orderBy("t"),
        Scans.discountedSum("x", 0.9).key("key").orderBy("t").presorted()};
    String[] outs = {"ema", "ema", "discounted"};
    for (String inline : new String[] {"true", "false"}) {
      spark.conf().set(LongscanConf.INLINE_PHASE3, inline);
      for (int s = 0; s < scans.length; s++) {
        spark.conf().set(LongscanConf.CHUNK_SIZE, "7");
        double[] small = d.column(df.transform(scans[s]), outs[s]);
        spark.conf().set(LongscanConf.CHUNK_SIZE, Integer.toString(MAX));
        double[] large = d.column(df.transform(scans[s]), outs[s]);
        assertArrayEquals(small, large, 1e-12, scans[s] + ", inline " + inline);
      }
    }
  }

  @Test
  void blockBuffersGrowWithTheRowsThatArrive() {
    StepModel.Block blk = new StepModel.Block(2, MAX + 1, true);
    assertEquals(StepModel.Block.INITIAL, blk.allocated());
    for (int i = 0; i < 3000; i++) {
      blk.ensure(i);
      blk.in[0][i] = i;
      blk.in[1][i] = -i;
      blk.gap[i] = 0.5 * i;
      blk.starts[i] = i % 7 == 0;
      blk.len = i + 1;
    }
    assertEquals(4096, blk.allocated());
    for (int i = 0; i < 3000; i++) {
      assertEquals(i, blk.in[0][i], 0.0);
      assertEquals(-i, blk.in[1][i], 0.0);
      assertEquals(0.5 * i, blk.gap[i], 0.0);
      assertEquals(i % 7 == 0, blk.starts[i]);
    }
    // never beyond the capacity
    StepModel.Block small = new StepModel.Block(1, 5, false);
    small.ensure(4);
    assertEquals(5, small.allocated());
    assertEquals(5, StepModel.grown(4, 5, 5));
    assertEquals(MAX + 1, StepModel.grown(MAX, MAX + 1, MAX + 1));
  }

  @Test
  void theRowBufferHoldsRowsBeyondOnePage() {
    StructType schema = new StructType().add("i", DataTypes.LongType, false)
        .add("s", DataTypes.StringType, false);
    UnsafeProjection proj = UnsafeProjection.create(schema);
    RowScan.RowBuffer buf = new RowScan.RowBuffer(MAX + 1, 2);
    assertTrue(buf.allocatedBytes() <= 1 << 16, "starts small: " + buf.allocatedBytes());
    String pad = "p".repeat(200);
    // about 2.5 pages of rows of 232 bytes (and one larger than a page would need its own)
    int n = (int) (2.5 * RowScan.RowBuffer.PAGE / 232);
    for (int i = 0; i < n; i++) {
      buf.add(proj.apply(row(i, pad)).copy());
    }
    assertEquals(n, buf.rows());
    assertTrue(buf.allocatedBytes() >= 3L * RowScan.RowBuffer.PAGE, "pages");
    for (int i = 0; i < n; i += 9973) {
      UnsafeRow r = buf.get(i);
      assertEquals(i, r.getLong(0), "row " + i);
      assertEquals(pad + i, r.getUTF8String(1).toString(), "row " + i);
    }
    buf.shift(n - 1);
    assertEquals(1, buf.rows());
    assertEquals(n - 1, buf.get(0).getLong(0));
    assertTrue(buf.allocatedBytes() <= RowScan.RowBuffer.PAGE, "pages released");
  }

  private static InternalRow row(long i, String pad) {
    return new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(new Object[] {i,
        org.apache.spark.unsafe.types.UTF8String.fromString(pad + i)});
  }
}
