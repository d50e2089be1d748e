package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A row that disappears between phase 1 and phase 3 fails the write (no {@code _SUCCESS}) with a
 * message naming the partition, what phase 1 saw and what phase 3 found — on the inline and the
 * block path. The input is a deterministic plan over a source whose rows change once it has been
 * read (as a file rewritten between the phases would): one key over two partitions of ten rows,
 * t = 0..19, of which partition 0 loses one row from its second computation on.
 */
class PhaseThreeCheckTest {
  static SparkSession spark;
  static final AtomicInteger COMPUTED = new AtomicInteger();

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    spark = SparkTests.session();
  }

  @AfterEach
  void reset() {
    spark.conf().unset(LongscanConf.INLINE_PHASE3);
  }

  /** The two partitions; partition 0 drops row {@code dropped} once it has been computed. */
  static Dataset<Row> changing(int dropped) {
    COMPUTED.set(0);
    JavaRDD<Row> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(List.of(0, 1), 2).flatMap(p -> {
          boolean later = p == 0 && COMPUTED.getAndIncrement() > 0;
          List<Row> rows = new ArrayList<>();
          for (int i = 0; i < 10; i++) {
            if (!(later && i == dropped)) {
              rows.add(RowFactory.create("k", (long) (10 * p + i), 1.0 + i, 1.0, 0.0, 0.5));
            }
          }
          return rows.iterator();
        });
    return spark.createDataFrame(rdd, KeyedData.SCHEMA);
  }

  /** Writes the scan's result as Parquet and returns the failure's message chain. */
  private String failedWrite(Dataset<Row> df, String inline, String name) {
    spark.conf().set(LongscanConf.INLINE_PHASE3, inline);
    Dataset<Row> out = df.transform(Scans.cumsum("x").key("key").orderBy("t").presorted());
    Path target = dir.resolve(name);
    Exception e = assertThrows(Exception.class,
        () -> out.write().parquet(target.toString()));
    assertFalse(Files.exists(target.resolve("_SUCCESS")), "the write must not succeed");
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      sb.append(t.getMessage()).append('\n');
    }
    return sb.toString();
  }

  @Test
  void aMissingRowFailsTheBlockPath() throws IOException {
    for (int dropped : new int[] {0, 4, 9}) {
      String m = failedWrite(changing(dropped), "false", "blocks" + dropped);
      assertTrue(m.contains("phase 3 read partition 0 otherwise than phase 1: expected 10 rows"
          + " from (key='k', t=0) to (key='k', t=9), found 9 rows from (key='k', t="
          + (dropped == 0 ? 1 : 0) + ") to (key='k', t=" + (dropped == 9 ? 8 : 9) + ")"), m);
    }
  }

  static final AtomicInteger NULLED = new AtomicInteger();

  @Test
  void aRowThatChangedFailsTheParquetWriteNamingItsKey() {
    org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
        .add("key", org.apache.spark.sql.types.DataTypes.StringType, false)
        .add("t", org.apache.spark.sql.types.DataTypes.LongType, false)
        .add("x", org.apache.spark.sql.types.DataTypes.DoubleType, true);
    for (String inline : new String[] {"false", "true"}) {
      // row 3 of partition 1 (key 'q') holds a null from the second computation on
      NULLED.set(0);
      JavaRDD<Row> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext())
          .parallelize(List.of(0, 1), 2).flatMap(p -> {
            boolean later = p == 1 && NULLED.getAndIncrement() > 0;
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
              rows.add(RowFactory.create(p == 0 ? "k" : "q", (long) i,
                  later && i == 3 ? null : 1.0));
            }
            return rows.iterator();
          });
      spark.conf().set(LongscanConf.INLINE_PHASE3, inline);
      Dataset<Row> out = spark.createDataFrame(rdd, schema)
          .transform(Scans.cumsum("x").key("key").orderBy("t").presorted());
      Path target = dir.resolve("changed" + inline);
      Exception e = assertThrows(Exception.class, () -> out.write().parquet(target.toString()));
      assertFalse(Files.exists(target.resolve("_SUCCESS")), "the write must not succeed");
      StringBuilder sb = new StringBuilder();
      for (Throwable t = e; t != null; t = t.getCause()) {
        sb.append(t.getMessage()).append('\n');
      }
      assertTrue(sb.toString().contains("row 3 of partition 1 (key='q') changed between phase 1"
          + " and phase 3 (x is now null)"), "inline " + inline + ": " + sb);
    }
  }

  @Test
  void aMissingRowFailsTheInlinePath() throws IOException {
    String first = failedWrite(changing(0), "true", "inline0");
    assertTrue(first.contains("phase 3 found a first row other than phase 1's in partition 0"),
        first);
    String middle = failedWrite(changing(4), "true", "inline4");
    assertTrue(middle.contains("phase 3 found phase 1's last row as row 8 of the 10 phase 1"
        + " counted (rows went missing) in partition 0"), middle);
  }
}
