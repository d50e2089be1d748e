package dev.longscan.spark;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.OrderException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Phase 3 of forward long-format scans of presorted input as an expression inside Spark's
 * generated code ({@link Phase3Expression}): the same results as the block path (to rounding)
 * under what a query does with the result afterwards (coalesce, union, limit, filters, a
 * shuffle), over an input with a shuffle of its own (phase 3 then reads phase 1's rows), and a
 * clear error when the input is planned into other partitions than phase 1 saw.
 */
class InlinePhase3Test {
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTests.session();
    // fail where the generated code does not compile, instead of falling back to interpreting
    // the expression (which gives the same results, ten times slower)
    spark.conf().set("spark.sql.codegen.factoryMode", "CODEGEN_ONLY");
    spark.conf().set("spark.sql.codegen.fallback", "false");
  }

  @AfterAll
  static void stop() {
    spark.conf().unset("spark.sql.codegen.factoryMode");
    spark.conf().unset("spark.sql.codegen.fallback");
  }

  @AfterEach
  void defaults() {
    spark.conf().unset(LongscanConf.INLINE_PHASE3);
  }

  /** The result's physical plan (under adaptive execution, the plan it starts from). */
  private static org.apache.spark.sql.execution.SparkPlan plan(Dataset<Row> out) {
    org.apache.spark.sql.execution.SparkPlan p = out.queryExecution().executedPlan();
    if (p instanceof org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec) {
      p = ((org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec) p).inputPlan();
    }
    return p;
  }

  private static boolean computesPhase3(org.apache.spark.sql.execution.SparkPlan p) {
    return p.exists(node -> node.expressions()
        .exists(e -> e.exists(x -> x instanceof Phase3Expression)));
  }

  /** Whether the result's plan computes phase 3 inline. */
  private static boolean inline(Dataset<Row> out) {
    return computesPhase3(plan(out));
  }

  /** Whether it does so inside whole-stage generated code. */
  private static boolean wholeStage(Dataset<Row> out) {
    return plan(out).exists(node -> node instanceof
        org.apache.spark.sql.execution.WholeStageCodegenExec
        && computesPhase3(((org.apache.spark.sql.execution.WholeStageCodegenExec) node).child()));
  }

  /** (key, t) → output of every row of a result. */
  private static Map<String, Double> byRow(Dataset<Row> out, String column) {
    Map<String, Double> m = new HashMap<>();
    for (Row r : out.select(col("key"), col("t"), col(column)).collectAsList()) {
      m.put(r.getString(0) + "@" + r.getLong(1), r.getDouble(2));
    }
    return m;
  }

  private static void assertSameRows(Map<String, Double> expected, Map<String, Double> actual,
      String what) {
    assertEquals(expected.size(), actual.size(), what + ": rows");
    for (Map.Entry<String, Double> e : expected.entrySet()) {
      Double v = actual.get(e.getKey());
      assertTrue(v != null, what + ": row " + e.getKey() + " missing");
      assertEquals(e.getValue(), v, 1e-12 * (1 + Math.abs(e.getValue())),
          what + ": row " + e.getKey());
    }
  }

  @Test
  void whatAQueryDoesWithTheResultAfterwardsKeepsEachPartitionsCarry() {
    KeyedData d = KeyedData.random(9, 300, 5);
    Dataset<Row> df = d.frame(spark, KeyedData.randomCuts(d.rows(), 7, 11));
    ScanTransform scan = Scans.emaHalfLife("x", 40.0).key("key").orderBy("t").presorted();
    spark.conf().set(LongscanConf.INLINE_PHASE3, "false");
    Map<String, Double> blocks = byRow(df.transform(scan), "ema");
    spark.conf().set(LongscanConf.INLINE_PHASE3, "true");
    Dataset<Row> out = df.transform(scan);
    assertTrue(inline(out) && wholeStage(out), "inline phase 3 not planned in generated code: "
        + out.queryExecution().executedPlan());
    assertSameRows(blocks, byRow(out, "ema"), "as is");
    // one task reads several of the input's partitions in turn
    assertSameRows(blocks, byRow(out.coalesce(2), "ema"), "coalesce(2)");
    // partitions renumbered: the second child's come after the first's
    Dataset<Row> both = df.limit(0).withColumn("ema", col("x")).union(out);
    assertSameRows(blocks, byRow(both, "ema"), "union");
    // a shuffle after the scan
    assertSameRows(blocks, byRow(out.repartition(3, col("t")), "ema"), "repartition");
    Map<String, Double> some = byRow(out.filter(col("x").gt(0)), "ema");
    for (Map.Entry<String, Double> e : some.entrySet()) {
      assertEquals(blocks.get(e.getKey()), e.getValue(), 1e-12, "filter, row " + e.getKey());
    }
    // the output used twice above the scan: each row's value computed once, not per use
    Map<String, Double> twice = new HashMap<>();
    for (Row r : out.select(col("key"), col("t"), col("ema").plus(1).as("p"),
        col("ema").multiply(2).as("q")).collectAsList()) {
      double p = r.getDouble(2) - 1;
      assertEquals(p, r.getDouble(3) / 2, 1e-12, "one value per row");
      twice.put(r.getString(0) + "@" + r.getLong(1), p);
    }
    assertSameRows(blocks, twice, "used twice");
    List<Row> first = out.limit(5).collectAsList();
    assertEquals(5, first.size());
    List<Row> all = out.collectAsList();
    for (int i = 0; i < 5; i++) {
      assertEquals(all.get(i), first.get(i), "limit(5), row " + i);
    }
  }

  @Test
  void anInputWithAShuffleIsReadFromPhaseOnesRows() {
    KeyedData d = KeyedData.random(7, 400, 8);
    Dataset<Row> base = d.frame(spark, KeyedData.randomCuts(d.rows(), 3, 1));
    // an explicit range partitioning, and a global sort (its shuffle is added when planned)
    shuffled(d, base.repartitionByRange(5, col("key"), col("t"))
        .sortWithinPartitions("key", "t"));
    shuffled(d, base.sort("key", "t"));
  }

  private static void shuffled(KeyedData d, Dataset<Row> df) {
    ScanTransform scan = Scans.cumsum("x").key("key").orderBy("t").presorted();
    spark.conf().set(LongscanConf.INLINE_PHASE3, "false");
    Map<String, Double> blocks = byRow(df.transform(scan), "cumsum");
    spark.conf().set(LongscanConf.INLINE_PHASE3, "true");
    Dataset<Row> out = df.transform(scan);
    String plan = out.queryExecution().executedPlan().toString();
    assertTrue(inline(out) && plan.contains("Scan ExistingRDD"), plan);
    assertSameRows(blocks, byRow(out, "cumsum"), "shuffled input");
  }

  static final AtomicInteger EXECUTIONS = new AtomicInteger();

  @Test
  void anInputPlannedIntoOtherPartitionsFailsPhaseThree() {
    // partition 0 holds t = 0..9; partition 1 t = 10..19 when first computed, and begins two
    // rows earlier each time it is computed again
    JavaRDD<Row> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(List.of(0, 1), 2).flatMap(p -> {
          int from = p == 0 ? 0 : 10 - 2 * EXECUTIONS.getAndIncrement();
          int to = p == 0 ? 10 : 20;
          List<Row> rows = new ArrayList<>();
          for (int i = from; i < to; i++) {
            rows.add(org.apache.spark.sql.RowFactory.create("k", (long) i, (double) i, 1.0, 0.0,
                0.5));
          }
          return rows.iterator();
        });
    EXECUTIONS.set(0);
    Dataset<Row> df = spark.createDataFrame(rdd, KeyedData.SCHEMA);
    spark.conf().set(LongscanConf.INLINE_PHASE3, "true");
    Dataset<Row> out = df.transform(Scans.cumsum("x").key("key").orderBy("t").presorted());
    SparkException e = assertThrows(SparkException.class, () -> out.collectAsList());
    String m = String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
    assertTrue(m.contains("first row other than phase 1's") && m.contains("partition 1"), m);
  }

  static final AtomicInteger COMPUTED = new AtomicInteger();

  @Test
  void aValueOrKeyThatBecomesNullAfterPhaseOneFailsPhaseThree() {
    org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
        .add("key", org.apache.spark.sql.types.DataTypes.StringType, true)
        .add("t", org.apache.spark.sql.types.DataTypes.LongType, false)
        .add("x", org.apache.spark.sql.types.DataTypes.DoubleType, true);
    for (String column : List.of("x", "key")) {
      // row 6 of partition 1 holds a null from the second computation on
      JavaRDD<Row> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext())
          .parallelize(List.of(0, 1), 2).flatMap(p -> {
            boolean later = p == 1 && COMPUTED.getAndIncrement() > 0;
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
              boolean gone = later && i == 6;
              rows.add(org.apache.spark.sql.RowFactory.create(
                  gone && column.equals("key") ? null : "k", (long) (10 * p + i),
                  gone && column.equals("x") ? null : (double) i));
            }
            return rows.iterator();
          });
      COMPUTED.set(0);
      Dataset<Row> df = spark.createDataFrame(rdd, schema);
      spark.conf().set(LongscanConf.INLINE_PHASE3, "true");
      Dataset<Row> out = df.transform(Scans.cumsum("x").key("key").orderBy("t").presorted());
      assertTrue(inline(out), out.queryExecution().executedPlan().toString());
      SparkException e = assertThrows(SparkException.class, () -> out.collectAsList());
      String m = String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
      // the key is named where it is known (not when the key itself became null)
      assertTrue(m.contains("row 6 of partition 1" + (column.equals("x") ? " (key='k')" : "")
          + " changed between phase 1 and phase 3 (" + column + " is now null)"), m);
    }
  }

  @Test
  void aValueColumnThatIsAlsoTheOrderColumn() {
    KeyedData d = KeyedData.random(5, 60, 4);
    Dataset<Row> df = d.frame(spark, KeyedData.randomCuts(d.rows(), 4, 6));
    ScanTransform scan = Scans.cumsum("t").key("key").orderBy("T").presorted();
    spark.conf().set(LongscanConf.INLINE_PHASE3, "false");
    Map<String, Double> blocks = byRow(df.transform(scan), "cumsum");
    spark.conf().set(LongscanConf.INLINE_PHASE3, "true");
    assertSameRows(blocks, byRow(df.transform(scan), "cumsum"), "cumsum of the order column");
  }

  @Test
  void aWideInputOutsideWholeStageCodegen() {
    // over spark.sql.codegen.maxFields (100) columns Spark plans the projection without
    // whole-stage codegen: the expression is compiled on its own, its partition set by the
    // projection's initialisation
    KeyedData d = KeyedData.random(4, 70, 13);
    Dataset<Row> df = d.frame(spark, KeyedData.randomCuts(d.rows(), 3, 5));
    List<org.apache.spark.sql.Column> cols = new ArrayList<>();
    for (String c : df.columns()) {
      cols.add(col(c));
    }
    for (int i = 0; i < 110; i++) {
      cols.add(col("x").plus(i).as("x" + i));
    }
    Dataset<Row> wide = df.select(cols.toArray(new org.apache.spark.sql.Column[0]));
    ScanTransform scan = Scans.emaHalfLife("x", 30.0).key("key").orderBy("t").presorted();
    spark.conf().set(LongscanConf.INLINE_PHASE3, "false");
    Map<String, Double> blocks = byRow(wide.transform(scan), "ema");
    spark.conf().set(LongscanConf.INLINE_PHASE3, "true");
    Dataset<Row> out = wide.transform(scan);
    assertTrue(inline(out) && !wholeStage(out), out.queryExecution().executedPlan().toString());
    assertSameRows(blocks, byRow(out, "ema"), "wide input");
  }

  @Test
  void aCachedResultIsFoundAgain() {
    KeyedData d = KeyedData.random(4, 80, 9);
    Dataset<Row> df = d.frame(spark, KeyedData.randomCuts(d.rows(), 3, 3));
    spark.conf().set(LongscanConf.INLINE_PHASE3, "true");
    Dataset<Row> out = df.transform(Scans.cumsum("x").key("key").orderBy("t").presorted());
    out.cache();
    try {
      double[] first = d.column(out, "cumsum");
      Dataset<Row> again = out.select(col("key"), col("t"), col("cumsum"));
      assertTrue(again.queryExecution().withCachedData().toString().contains("InMemoryRelation"),
          again.queryExecution().withCachedData().toString());
      assertArrayEquals(first, d.column(out, "cumsum"), 0.0);
    } finally {
      out.unpersist(true);
    }
  }

  @Test
  void reverseScansKeepTheBlockPath() {
    KeyedData d = KeyedData.random(4, 50, 3);
    Dataset<Row> df = d.frame(spark, KeyedData.randomCuts(d.rows(), 3, 2));
    Dataset<Row> rev = df.transform(Scans.discountedSum("x", 0.9).key("key").orderBy("t")
        .presorted());
    assertTrue(!inline(rev));
    Dataset<Row> fwd = df.transform(Scans.cumsum("x").key("key").orderBy("t").presorted());
    assertTrue(inline(fwd));
  }

  /** Cumulative sums per key and the half-life EMA per key, sequentially in float64. */
  private static double[][] reference(KeyedData d, double halfLife) {
    double[] sum = new double[d.rows()];
    double[] ema = new double[d.rows()];
    for (int i = 0; i < d.rows(); i++) {
      if (d.starts[i]) {
        sum[i] = d.x[i];
        ema[i] = d.x[i];
      } else {
        sum[i] = sum[i - 1] + d.x[i];
        double a = Math.exp(-Math.log(2) * (d.t[i] - d.t[i - 1]) / halfLife);
        ema[i] = a * ema[i - 1] + (1 - a) * d.x[i];
      }
    }
    return new double[][] {sum, ema};
  }

  /** The output column of a result in row order, its t column checked against the data's. */
  private static double[] outputs(KeyedData d, Dataset<Row> out, String column) {
    List<Row> rows = out.select(col("t"), col(column)).collectAsList();
    assertEquals(d.rows(), rows.size(), "rows");
    double[] v = new double[rows.size()];
    for (int i = 0; i < v.length; i++) {
      assertEquals(d.t[i], rows.get(i).getLong(0), "t of row " + i);
      v[i] = rows.get(i).getDouble(1);
    }
    return v;
  }

  @Test
  void phaseOneReadsOnlyTheScansColumnsFromColumnBatches(@TempDir Path dir) {
    KeyedData d = KeyedData.random(11, 400, 21);
    double[][] ref = reference(d, 25.0);
    // single files in (key, t) order, small row groups or stripes, read back in several splits
    Dataset<Row> longKeys = d.frame(spark, new int[] {0, d.rows()})
        .withColumn("key", org.apache.spark.sql.functions.expr("cast(substring(key, 2) as long)"))
        .withColumn("xd", col("x").cast("decimal(20,12)"));
    String strings = dir.resolve("strings").toString();
    String longs = dir.resolve("longs").toString();
    String orc = dir.resolve("orc").toString();
    d.frame(spark, new int[] {0, d.rows()}).write().option("parquet.block.size", "4096")
        .parquet(strings);
    longKeys.write().option("parquet.block.size", "4096").parquet(longs);
    longKeys.write().option("orc.stripe.size", "4096").orc(orc);
    spark.conf().set("spark.sql.files.maxPartitionBytes", "6000");
    spark.conf().set("spark.sql.files.openCostInBytes", "0");
    // cached data is read as column batches when all its columns are numeric
    Dataset<Row> cached = d.frame(spark, KeyedData.randomCuts(d.rows(), 6, 4))
        .withColumn("key", org.apache.spark.sql.functions.expr("cast(substring(key, 2) as long)"))
        .cache();
    try {
      // string keys and decimal values take the per-row checks, the others the fast lane too
      for (Dataset<Row> df : List.of(spark.read().parquet(strings), spark.read().parquet(longs),
          spark.read().orc(orc), cached)) {
        String what = df.queryExecution().executedPlan().toString();
        assertTrue(df.rdd().getNumPartitions() >= 3, "partitions: " + what);
        ScanResult sum = Scans.cumsum("x").key("key").orderBy("t").presorted().run(df);
        ScanResult ema = Scans.emaHalfLife("x", 25.0).key("key").orderBy("t").presorted()
            .output("ema").run(df.withColumn("extra", col("a").plus(1)));
        for (ScanResult r : List.of(sum, ema)) {
          assertEquals("column batches of (key, t, x)", r.phase1Input(), what);
          assertTrue(r.toString().contains("read column batches of (key, t, x)"), r.toString());
        }
        assertArrayEquals(ref[0], outputs(d, sum.dataset(), "cumsum"), 1e-9, what);
        assertArrayEquals(ref[1], outputs(d, ema.dataset(), "ema"), 1e-12, what);
        assertEquals(df.columns().length + 2, ema.dataset().columns().length,
            "the input's columns, extra and the output");
        if (Arrays.asList(df.columns()).contains("xd")) {
          ScanResult dec = Scans.cumsum("xd").key("key").orderBy("t").presorted().run(df);
          assertEquals("column batches of (key, t, xd)", dec.phase1Input(), what);
          assertArrayEquals(ref[0], outputs(d, dec.dataset(), "cumsum"), 1e-7, what);
        }
      }
      cached.unpersist(true);
      // a row-based input: only the scan's columns, as rows
      ScanResult rows = Scans.cumsum("x").key("key").orderBy("t").presorted()
          .run(d.frame(spark, KeyedData.randomCuts(d.rows(), 5, 8)));
      assertEquals("rows of (key, t, x)", rows.phase1Input());
      assertArrayEquals(ref[0], d.column(rows.dataset(), "cumsum"), 1e-9);
    } finally {
      spark.conf().unset("spark.sql.files.maxPartitionBytes");
      spark.conf().unset("spark.sql.files.openCostInBytes");
    }
  }

  @Test
  void badRowsReadFromColumnBatchesAreNamed(@TempDir Path dir) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      // key k1's 31st row repeats the time stamp before it
      rows.add(org.apache.spark.sql.RowFactory.create(i < 20 ? "k0" : "k1",
          (long) (i == 50 - 19 ? i - 1 : i), (double) i, 1.0, 0.0, 0.5));
    }
    String path = dir.resolve("bad").toString();
    spark.createDataFrame(rows, KeyedData.SCHEMA).coalesce(1).write().parquet(path);
    Dataset<Row> df = spark.read().parquet(path);
    OrderException e = assertThrows(OrderException.class,
        () -> Scans.cumsum("x").key("key").orderBy("t").presorted().run(df));
    assertTrue(e.getMessage().contains("column 't'") && e.getMessage().contains("found 30 twice"
        + " (a duplicate) at rows 10 and 11 of key key='k1' (row 31 of the input"), e.getMessage());
  }
}
