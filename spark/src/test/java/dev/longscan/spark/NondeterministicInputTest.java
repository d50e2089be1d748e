package dev.longscan.spark;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.ParameterException;
import java.util.List;
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
 * Input whose plan holds a non-deterministic expression is refused before any job with a
 * {@link ParameterException} naming the expression (phases 1 and 3 would each compute it and
 * see other values); the same input cached or checkpointed is scanned, and a scan's own result
 * (whose phase 3 expression Spark counts as non-deterministic) may be scanned again.
 */
class NondeterministicInputTest {
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTests.session();
  }

  static UserDefinedFunction jitter() {
    return functions.udf((UDF1<Double, Double>) x -> x + Math.random(), DataTypes.DoubleType)
        .asNondeterministic().withName("jitter");
  }

  private static void refused(Dataset<Row> df, ScanTransform scan, String expression) {
    String group = "nondeterministic-" + System.nanoTime();
    spark.sparkContext().setJobGroup(group, "", false);
    try {
      ParameterException e = assertThrows(ParameterException.class, () -> df.transform(scan));
      assertTrue(e.getMessage().startsWith("expected a deterministic input (phase 3 computes the"
          + " input again and must see the rows and values phase 1 saw), found the"
          + " non-deterministic expression '" + expression + "' in its plan; cache the input"), e
          .getMessage());
      assertEquals(0, spark.sparkContext().statusTracker().getJobIdsForGroup(group).length,
          "jobs before the refusal");
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }

  @Test
  void aNonDeterministicUdfOrRandIsRefusedNamingIt() {
    KeyedData d = KeyedData.random(3, 40, 5);
    Dataset<Row> df = d.frame(spark, KeyedData.randomCuts(d.rows(), 3, 2));
    Dataset<Row> udf = df.withColumn("x2", jitter().apply(col("x")));
    refused(udf, Scans.cumsum("x2").key("key").orderBy("t").presorted(), "jitter(x)");
    refused(udf, Scans.cumsum("x2").key("key").orderBy("t"), "jitter(x)");
    refused(udf, Scans.affine("a", "x2").key("key").orderBy("t").reverse(), "jitter(x)");
    Dataset<Row> rand = df.filter(functions.rand(3).lt(0.9));
    refused(rand, Scans.ema("x", 0.3).key("key").orderBy("t").presorted(), "rand(3L)");
    // in a column the scan does not read, too: the rows would still differ
    refused(df.withColumn("noise", functions.randn(1)),
        Scans.cumsum("x").key("key").orderBy("t").presorted(), "randn(1L)");
  }

  @Test
  void theChunkedFormatRefusesItToo() {
    Dataset<Row> chunks = spark.range(3).select(col("id").as("chunk"),
        functions.array(functions.lit(0.5), functions.lit(0.5)).as("a"),
        functions.array(functions.rand(7), functions.lit(1.0)).as("b"));
    refused(chunks, Scans.chunks("a", "b").orderBy("chunk").presorted(), "rand(7L)");
  }

  @Test
  void cachedOrCheckpointedItIsScanned() {
    KeyedData d = KeyedData.random(3, 40, 6);
    int[] cuts = KeyedData.randomCuts(d.rows(), 3, 4);
    Dataset<Row> checkpointed = d.frame(spark, cuts)
        .withColumn("x2", jitter().apply(col("x"))).localCheckpoint();
    // cached before it is first used, as a Dataset must be for its queries to read the cache
    Dataset<Row> cached = d.frame(spark, cuts).withColumn("x2", jitter().apply(col("x")))
        .cache();
    try {
      for (Dataset<Row> in : List.of(checkpointed, cached)) {
        List<Row> rows = in.select("x2").collectAsList();
        double[] expected = new double[rows.size()];
        double sum = 0;
        for (int i = 0; i < expected.length; i++) {
          // one key per run of rows: the reference restarts at each new key
          if (d.starts[i]) {
            sum = 0;
          }
          sum += rows.get(i).getDouble(0);
          expected[i] = sum;
        }
        double[] out = d.column(in.transform(
            Scans.cumsum("x2").key("key").orderBy("t").presorted()), "cumsum");
        assertArrayEquals(expected, out, 1e-9);
      }
    } finally {
      cached.unpersist(true);
    }
  }

  @Test
  void aScansResultMayBeScannedAgain() {
    KeyedData d = KeyedData.random(3, 40, 8);
    Dataset<Row> df = d.frame(spark, KeyedData.randomCuts(d.rows(), 3, 1));
    Dataset<Row> once = df.transform(Scans.cumsum("x").key("key").orderBy("t").presorted());
    Dataset<Row> twice = once.transform(Scans.cumsum("cumsum").key("key").orderBy("t")
        .presorted().output("cc"));
    double[] c = d.column(once, "cumsum");
    double[] expected = new double[c.length];
    double sum = 0;
    for (int i = 0; i < c.length; i++) {
      sum = d.starts[i] ? c[i] : sum + c[i];
      expected[i] = sum;
    }
    assertArrayEquals(expected, d.column(twice, "cc"), 1e-9);
  }
}
