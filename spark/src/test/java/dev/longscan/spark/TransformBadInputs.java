package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.NonFiniteException;
import dev.longscan.NonFinitePolicy;
import dev.longscan.OrderException;
import dev.longscan.ParameterException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The bad-input table every long-format transform walks (its subclass names the transform and
 * adds its own cases): each case asserts the exception type, that the message names what was
 * expected and found and where (column, key, row, partition), and that the error came before any
 * job where it is a setting or a schema matter. The input: key (string), t (double), x, a, b, g
 * (doubles), all nullable, in two partitions of two rows: (A, 1), (A, 2) | (B, 1), (B, 2); each
 * data case spoils row 1 of key B (row 3 of the input, partition 1).
 */
abstract class TransformBadInputs {
  static SparkSession spark;
  static final StructType SCHEMA = new StructType()
      .add("key", DataTypes.StringType, true)
      .add("t", DataTypes.DoubleType, true)
      .add("x", DataTypes.DoubleType, true)
      .add("a", DataTypes.DoubleType, true)
      .add("b", DataTypes.DoubleType, true)
      .add("g", DataTypes.DoubleType, true);

  @BeforeAll
  static void start() {
    spark = SparkTests.session();
  }

  /** The transform under test, keyed by "key" and ordered by "t". */
  abstract ScanTransform scan();

  /** The columns it reads besides key and order, the first the one the data cases spoil. */
  abstract String[] inputs();

  /** The transform's own cases. */
  List<Case> own() {
    return List.of();
  }

  /** One bad input: what runs, the exception type, the fragments its message must hold. */
  record Case(String name, Runnable run, Class<? extends Throwable> type, boolean beforeJobs,
      String... fragments) {}

  /** The good input with row 1 of key B's column {@code col} set to {@code v} (or t). */
  static Dataset<Row> input(String col, Object v) {
    Object[][] rows = {
        {"A", 1.0, 0.5, 0.9, 0.1, 0.8}, {"A", 2.0, 0.25, 0.8, 0.2, 0.7},
        {"B", 1.0, 0.75, 0.7, 0.3, 0.6}, {"B", 2.0, 0.5, 0.6, 0.4, 0.5}};
    if (col != null) {
      int c = SCHEMA.fieldIndex(col);
      rows[3][c] = v;
    }
    List<List<Row>> parts = new ArrayList<>();
    parts.add(List.of(RowFactory.create(rows[0]), RowFactory.create(rows[1])));
    parts.add(List.of(RowFactory.create(rows[2]), RowFactory.create(rows[3])));
    return KeyedData.partitioned(spark, parts, SCHEMA);
  }

  static Runnable scanOf(Supplier<Dataset<Row>> in, Supplier<ScanTransform> scan) {
    return () -> in.get().transform(scan.get()).collectAsList();
  }

  /** Runs with the session setting key = value. */
  static Runnable withConf(String key, String value, Runnable r) {
    return () -> {
      spark.conf().set(key, value);
      try {
        r.run();
      } finally {
        spark.conf().unset(key);
      }
    };
  }

  List<Case> common() {
    String v = inputs()[0];
    String where = "at row 1 of key key='B' (row 3 of the input in (key, order) order, partition"
        + " 1)";
    List<Case> cs = new ArrayList<>();
    cs.add(new Case("missing value column", scanOf(() -> input(null, null).drop(v),
        () -> scan().presorted()), ParameterException.class, true,
        "column '" + v + "' in the DataFrame, found only [key: string, t: double"));
    cs.add(new Case("value column of strings", scanOf(() -> input(null, null)
        .withColumn(v, functions.lit("s")), () -> scan().presorted()), ParameterException.class,
        true, "expected a numeric", " column '" + v + "'", "found type string"));
    cs.add(new Case("output column exists", scanOf(() -> input(null, null),
        () -> scan().output("x").presorted()), ParameterException.class, true,
        "expected an output column name not in the DataFrame, found 'x'", "output(...)"));
    cs.add(new Case("missing order column", scanOf(() -> input(null, null),
        () -> scan().orderBy("time")), ParameterException.class, true,
        "expected an order column 'time' in the DataFrame"));
    cs.add(new Case("order column of strings", scanOf(() -> input(null, null)
        .withColumn("t", functions.lit("s")), () -> scan()), ParameterException.class, true,
        "expected an order column 't' of a numeric, date or timestamp type, found type string"));
    cs.add(new Case("floating-point key", scanOf(() -> input(null, null),
        () -> scan().key("a")), ParameterException.class, true,
        "expected a key column 'a' of type string", "found type double",
        "floating-point keys are ambiguous"));
    cs.add(new Case("null value", scanOf(() -> input(v, null), () -> scan().presorted()),
        NullValueException.class, false,
        "expected non-null values in column '" + v + "', found null " + where));
    cs.add(new Case("null order value", scanOf(() -> input("t", null), () -> scan().presorted()),
        NullValueException.class, false,
        "expected non-null values in order column 't', found null " + where));
    cs.add(new Case("NaN order value", scanOf(() -> input("t", Double.NaN),
        () -> scan().presorted()), NonFiniteException.class, false,
        "expected finite values in order column 't', found NaN " + where));
    cs.add(new Case("duplicate order value", scanOf(() -> input("t", 1.0),
        () -> scan().presorted()), OrderException.class, false,
        "column 't' within each key, found 1.0 twice (a duplicate) at rows 0 and 1 of key"
            + " key='B' (row 3 of the input, partition 1)"));
    cs.add(new Case("duplicate order value, sorted by longscan", scanOf(() -> input("t", 1.0),
        () -> scan()), OrderException.class, false, "found 1.0 twice (a duplicate)",
        "of key key='B'"));
    cs.add(new Case("keys out of order", scanOf(() -> input("key", "A"),
        () -> scan().presorted()), OrderException.class, false,
        "expected rows ordered by key (key) ascending, found key key='A' after key key='B' at"
            + " row 3 of the input (partition 1)", "drop presorted()"));
    cs.add(new Case("infinite value under REJECT", scanOf(
        () -> input(v, Double.POSITIVE_INFINITY),
        () -> scan().nonFinite(NonFinitePolicy.REJECT).presorted()), NonFiniteException.class,
        false, "expected finite values in column '" + v + "' (nonFinite policy REJECT), found"
            + " Infinity " + where));
    cs.add(new Case("non-deterministic input", scanOf(() -> input(null, null)
        .withColumn(v, functions.col(v).plus(functions.rand(5))), () -> scan().presorted()),
        ParameterException.class, true, "found the non-deterministic expression 'rand(5L)'",
        "cache the input"));
    cs.add(new Case("chunkSize 0", withConf(LongscanConf.CHUNK_SIZE, "0",
        scanOf(() -> input(null, null), () -> scan())), ParameterException.class, true,
        "expected spark.longscan.chunkSize to be an integer in [1, 2^28], found '0'"));
    cs.add(new Case("chunkSize beyond 2^28", withConf(LongscanConf.CHUNK_SIZE, "268435457",
        scanOf(() -> input(null, null), () -> scan())), ParameterException.class, true,
        "found '268435457'"));
    cs.add(new Case("unknown backend", withConf(LongscanConf.BACKEND, "tpu",
        scanOf(() -> input(null, null), () -> scan())), ParameterException.class, true,
        "expected spark.longscan.backend to be auto, cpu, gpu or gpu:N, found 'tpu'"));
    cs.add(new Case("a GPU where there is none", withConf(LongscanConf.GPU_BACKEND, "nosuchgpu",
        withConf(LongscanConf.BACKEND, "gpu", scanOf(() -> input(null, null), () -> scan()))),
        dev.longscan.BackendUnavailableException.class, true,
        "spark.longscan.backend=gpu but no GPU backend ('nosuchgpu') on the class path"));
    cs.add(new Case("null DataFrame", () -> scan().run(null), ParameterException.class, true,
        "expected a DataFrame, found null"));
    return cs;
  }

  @TestFactory
  Stream<DynamicTest> badInputs() {
    List<Case> all = new ArrayList<>(common());
    all.addAll(own());
    return all.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
      String group = "bad-input-" + System.nanoTime();
      spark.sparkContext().setJobGroup(group, "", false);
      try {
        Throwable e = assertThrows(c.type(), c.run()::run, c.name());
        String m = String.valueOf(e.getMessage());
        for (String f : c.fragments()) {
          assertTrue(m.contains(f), c.name() + ": expected the message to hold '" + f
              + "', found: " + m);
        }
        if (c.beforeJobs()) {
          assertEquals(0, spark.sparkContext().statusTracker().getJobIdsForGroup(group).length,
              c.name() + ": jobs ran before the error");
        }
      } finally {
        spark.sparkContext().clearJobGroup();
      }
    }));
  }
}
