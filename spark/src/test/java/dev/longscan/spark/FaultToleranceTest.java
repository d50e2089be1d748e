package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reruns, and runs whose tasks fail on their first attempt (a column computed by a function
 * that throws in the first attempt of chosen tasks, so the failures happen inside longscan's
 * phase 1 and phase 3 tasks, or in the sort's shuffle before them), give bitwise-identical
 * results.
 */
class FaultToleranceTest {
  static SparkSession spark;
  static final AtomicInteger THROWN = new AtomicInteger();
  /** Partitions whose first attempt fails (chosen with a fixed seed, see below). */
  static final Set<Integer> FAIL = Set.of(0, 3, 5, 6, 10, 14);

  @BeforeAll
  static void start() {
    spark = SparkTests.session();
  }

  static UserDefinedFunction failingFirstAttempts() {
    return functions.udf((UDF1<Double, Double>) x -> {
      TaskContext tc = TaskContext.get();
      if (tc.attemptNumber() == 0 && FAIL.contains(tc.partitionId())) {
        THROWN.incrementAndGet();
        throw new IllegalStateException("injected failure in partition " + tc.partitionId());
      }
      return x;
    }, DataTypes.DoubleType);
  }

  private static long[] bits(Dataset<Row> out, String col) {
    List<Row> rows = out.select(col).collectAsList();
    long[] b = new long[rows.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = Double.doubleToRawLongBits(rows.get(i).getDouble(0));
    }
    return b;
  }

  @Test
  void presortedScanWithFailingTasks() {
    KeyedData d = KeyedData.random(7, 3000, 99);
    int[] cuts = KeyedData.randomCuts(d.rows(), 16, 100);
    spark.conf().set(LongscanConf.CHUNK_SIZE, "97");
    try {
      ScanTransform scan = Scans.emaHalfLife("x2", 400.0).key("key").orderBy("t").presorted();
      Dataset<Row> clean = d.frame(spark, cuts).withColumn("x2", functions.col("x"));
      long[] first = bits(clean.transform(scan), "ema");
      long[] again = bits(clean.transform(scan), "ema");
      assertArrayEquals(first, again, "rerun");

      int before = THROWN.get();
      Dataset<Row> failing = d.frame(spark, cuts)
          .withColumn("x2", failingFirstAttempts().apply(functions.col("x")));
      long[] retried = bits(failing.transform(scan), "ema");
      assertTrue(THROWN.get() - before >= 2 * FAIL.size(),
          "expected first attempts to fail in phase 1 and phase 3, saw " + (THROWN.get() - before)
              + " failures");
      assertArrayEquals(first, retried, "with failed first attempts");
    } finally {
      spark.conf().unset(LongscanConf.CHUNK_SIZE);
    }
  }

  @Test
  void sortedScanWithFailingShuffleTasks() {
    KeyedData d = KeyedData.random(5, 2000, 7);
    spark.conf().set("spark.sql.adaptive.coalescePartitions.enabled", "false");
    spark.conf().set("spark.sql.shuffle.partitions", "16");
    try {
      ScanTransform scan = Scans.affine("a", "x2").key("key").orderBy("t");
      Dataset<Row> input = d.frame(spark, KeyedData.randomCuts(d.rows(), 16, 8));
      long[] first = bits(input.withColumn("x2", functions.col("b")).transform(scan), "h");
      int before = THROWN.get();
      long[] retried = bits(input.withColumn("x2",
          failingFirstAttempts().apply(functions.col("b"))).transform(scan), "h");
      assertTrue(THROWN.get() > before, "expected injected failures");
      assertArrayEquals(first, retried, "with failed shuffle tasks");
    } finally {
      spark.conf().unset("spark.sql.adaptive.coalescePartitions.enabled");
      spark.conf().set("spark.sql.shuffle.partitions", "7");
    }
  }
}
