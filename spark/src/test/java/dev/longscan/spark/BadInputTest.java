package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.NonFiniteException;
import dev.longscan.NonFinitePolicy;
import dev.longscan.OrderException;
import dev.longscan.ParameterException;
import dev.longscan.ShapeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input fails before anything is written, once, on the driver, with the exception type of
 * the problem and a message naming the column, the key and the row's position (within its key,
 * and within the input in scan order).
 */
class BadInputTest {
  static SparkSession spark;
  static final StructType NULLABLE = new StructType()
      .add("key", DataTypes.StringType, true)
      .add("t", DataTypes.DoubleType, true)
      .add("x", DataTypes.DoubleType, true);

  @BeforeAll
  static void start() {
    spark = SparkTests.session();
  }

  /** Rows (key, t, x) split into partitions of the given sizes, in the order given. */
  static Dataset<Row> frame(int[] sizes, Object[]... rows) {
    List<List<Row>> parts = new ArrayList<>();
    int i = 0;
    for (int s : sizes) {
      List<Row> p = new ArrayList<>();
      for (int k = 0; k < s; k++, i++) {
        p.add(RowFactory.create(rows[i]));
      }
      parts.add(p);
    }
    assertEquals(rows.length, i, "sizes must cover the rows");
    return KeyedData.partitioned(spark, parts, NULLABLE);
  }

  static Object[] r(String key, Double t, Double x) {
    return new Object[] {key, t, x};
  }

  static final ScanTransform EMA = Scans.ema("x", 0.5).key("key").orderBy("t");

  private static <T extends Throwable> T fails(Class<T> type, Executable e, String message) {
    T ex = assertThrows(type, e);
    assertEquals(message, ex.getMessage());
    return ex;
  }

  private static void run(Dataset<Row> df, ScanTransform scan) {
    df.transform(scan).collectAsList();
  }

  @Test
  void nullsNameColumnKeyAndPosition() {
    Dataset<Row> nullValue = frame(new int[] {2, 2},
        r("A", 1.0, 1.0), r("A", 2.0, 1.0), r("A", 3.0, null), r("B", 1.0, 1.0));
    NullValueException e = fails(NullValueException.class,
        () -> run(nullValue, EMA.presorted()),
        "expected non-null values in column 'x', found null at row 2 of key key='A' (row 2 of"
            + " the input in (key, order) order, partition 1)");
    assertEquals("x", e.column());
    assertEquals("key='A'", e.key());
    assertEquals(2, e.position());
    // the same when longscan sorts: the position is in (key, order) order
    NullValueException e2 = assertThrows(NullValueException.class,
        () -> run(nullValue.repartition(3), EMA));
    assertTrue(e2.getMessage().startsWith("expected non-null values in column 'x', found null at"
        + " row 2 of key key='A' (row 2 of the input in (key, order) order, partition "),
        e2.getMessage());

    Dataset<Row> nullTime = frame(new int[] {1, 1, 1},
        r("A", 1.0, 1.0), r("B", 5.0, 1.0), r("B", null, 1.0));
    fails(NullValueException.class, () -> run(nullTime, EMA.presorted()),
        "expected non-null values in order column 't', found null at row 1 of key key='B' (row 2"
            + " of the input in (key, order) order, partition 2)");

    Dataset<Row> nullKey = frame(new int[] {2}, r("A", 1.0, 1.0), r(null, 2.0, 1.0));
    fails(NullValueException.class, () -> run(nullKey, EMA.presorted()),
        "expected non-null values in key column 'key', found null at row 1 of the input in (key,"
            + " order) order (partition 0)");
  }

  @Test
  void nonFiniteValuesFollowThePolicy() {
    Dataset<Row> df = frame(new int[] {3, 2},
        r("A", 1.0, 1.0), r("A", 2.0, Double.NaN), r("A", 3.0, 1.0), r("B", 1.0, 2.0),
        r("B", 2.0, 4.0));
    NonFiniteException e = fails(NonFiniteException.class,
        () -> run(df, EMA.presorted().nonFinite(NonFinitePolicy.REJECT)),
        "expected finite values in column 'x' (nonFinite policy REJECT), found NaN at row 1 of"
            + " key key='A' (row 1 of the input in (key, order) order, partition 0)");
    assertEquals("x", e.input());
    assertEquals(1, e.step());
    // PROPAGATE (default): NaN from there on within key A, key B untouched
    List<Row> out = df.transform(EMA.presorted()).select("ema").collectAsList();
    assertEquals(1.0, out.get(0).getDouble(0));
    assertTrue(Double.isNaN(out.get(1).getDouble(0)));
    assertTrue(Double.isNaN(out.get(2).getDouble(0)));
    assertEquals(2.0, out.get(3).getDouble(0));
    assertEquals(3.0, out.get(4).getDouble(0));

    Dataset<Row> nanTime = frame(new int[] {2}, r("A", 1.0, 1.0), r("A", Double.NaN, 1.0));
    fails(NonFiniteException.class, () -> run(nanTime, EMA.presorted()),
        "expected finite values in order column 't', found NaN at row 1 of key key='A' (row 1 of"
            + " the input in (key, order) order, partition 0)");
  }

  @Test
  void orderWithinKeysIsChecked() {
    Dataset<Row> unsorted = frame(new int[] {4},
        r("A", 1.0, 1.0), r("A", 3.0, 1.0), r("A", 2.0, 1.0), r("B", 1.0, 1.0));
    OrderException e = fails(OrderException.class, () -> run(unsorted, EMA.presorted()),
        "expected strictly increasing values of order column 't' within each key, found 2.0 after"
            + " 3.0 at row 2 of key key='A' (row 2 of the input, partition 0); the input was"
            + " declared presorted(): drop presorted() to let longscan sort it");
    assertEquals(2, e.step());
    // longscan's own sort puts it right
    assertEquals(4, unsorted.transform(EMA).count());

    // a duplicate across a partition boundary, in the third row of key B
    Dataset<Row> dup = frame(new int[] {3, 2},
        r("A", 1.0, 1.0), r("B", 1.0, 1.0), r("B", 2.0, 1.0), r("B", 2.0, 1.0), r("C", 1.0, 1.0));
    fails(OrderException.class, () -> run(dup, EMA.presorted()),
        "expected strictly increasing values of order column 't' within each key, found 2.0 twice"
            + " (a duplicate) at rows 1 and 2 of key key='B' (row 3 of the input, partition 1)");
    // duplicates are an error when longscan sorts too
    OrderException d2 = assertThrows(OrderException.class, () -> run(dup.repartition(2), EMA));
    assertTrue(d2.getMessage().contains("found 2.0 twice (a duplicate) at rows 1 and 2 of key"
        + " key='B' (row 3 of the input"), d2.getMessage());

    Dataset<Row> keys = frame(new int[] {2, 1},
        r("B", 1.0, 1.0), r("C", 1.0, 1.0), r("A", 2.0, 1.0));
    fails(OrderException.class, () -> run(keys, EMA.presorted()),
        "expected rows ordered by key (key) ascending, found key key='A' after key key='C' at row"
            + " 2 of the input (partition 1); the input was declared presorted(): drop presorted()"
            + " to let longscan sort it");
  }

  @Test
  void schemaProblemsFailBeforeAnyJob() {
    Dataset<Row> df = frame(new int[] {1}, r("A", 1.0, 1.0));
    fails(ParameterException.class, () -> run(df, Scans.ema("price", 0.5).orderBy("t")),
        "expected a value column 'price' in the DataFrame, found only [key: string, t: double,"
            + " x: double]");
    fails(ParameterException.class, () -> run(df, Scans.ema("x", 0.5).orderBy("time")),
        "expected an order column 'time' in the DataFrame, found only [key: string, t: double,"
            + " x: double]");
    fails(ParameterException.class, () -> run(df, Scans.ema("key", 0.5).orderBy("t")),
        "expected a numeric value column 'key' (double, float, long, int, short, byte or"
            + " decimal), found type string");
    fails(ParameterException.class, () -> run(df, Scans.ema("x", 0.5).key("t").orderBy("x")),
        "expected a key column 't' of type string, integral, boolean, date, timestamp, decimal or"
            + " binary, found type double (floating-point keys are ambiguous: cast or round them"
            + " first)");
    fails(ParameterException.class, () -> run(df, Scans.ema("x", 0.5).orderBy("key")),
        "expected an order column 'key' of a numeric, date or timestamp type, found type string");
    fails(ParameterException.class, () -> run(df, Scans.ema("x", 0.5)),
        "expected an order column (orderBy(...)) for ema, found none; without one, call"
            + " presorted() to scan the rows in their present order");
    fails(ParameterException.class, () -> run(df, Scans.ema("x", 0.5).orderBy("t").output("x")),
        "expected an output column name not in the DataFrame, found 'x' among [key: string, t:"
            + " double, x: double]; choose another with output(...)");
    fails(ParameterException.class,
        () -> run(df, Scans.emaHalfLife("x", Duration.ofSeconds(5)).orderBy("t")),
        "expected a date or timestamp order column for a half-life given as a Duration, found"
            + " column 't' of plain numbers; give the half-life as a number in the column's units"
            + " instead");
    fails(ParameterException.class, () -> run(df, Scans.chunks("x", "x").presorted()),
        "expected a chunk column 'x' of type array<float> or array<double>, found type double");
  }

  @Test
  void configurationIsChecked() {
    Dataset<Row> df = frame(new int[] {1}, r("A", 1.0, 1.0));
    String[][] bad = {
        {LongscanConf.CHUNK_SIZE, "0",
            "expected spark.longscan.chunkSize to be an integer in [1, 2^28], found '0'"},
        {LongscanConf.BACKEND, "tpu",
            "expected spark.longscan.backend to be auto, cpu, gpu or gpu:N, found 'tpu'"},
        {LongscanConf.FP64_CARRIES, "yes",
            "expected spark.longscan.fp64Carries to be true or false, found 'yes'"},
        {LongscanConf.KEEP_STATES, "maybe",
            "expected spark.longscan.keepStates to be true or false, found 'maybe'"},
    };
    for (String[] b : bad) {
      spark.conf().set(b[0], b[1]);
      try {
        fails(ParameterException.class, () -> run(df, EMA), b[2]);
      } finally {
        spark.conf().unset(b[0]);
      }
    }
  }

  @Test
  void emptyInputGivesEmptyOutput() {
    Dataset<Row> empty = frame(new int[] {0, 0, 0});
    Dataset<Row> out = empty.transform(EMA);
    assertEquals(0, out.count());
    assertEquals(Arrays.asList("key", "t", "x", "ema"), Arrays.asList(out.columns()));
    Dataset<Row> none = spark.createDataFrame(new ArrayList<Row>(), NULLABLE);
    assertEquals(0, none.transform(EMA.presorted()).count());
    assertEquals(0, none.transform(EMA).count());
  }

  @Test
  void badChunks() {
    StructType schema = new StructType()
        .add("c", DataTypes.LongType, false)
        .add("a", DataTypes.createArrayType(DataTypes.DoubleType, true), true)
        .add("b", DataTypes.createArrayType(DataTypes.DoubleType, true), true);
    ScanTransform scan = Scans.chunks("a", "b").orderBy("c").presorted();
    List<List<Row>> parts = List.of(List.of(
        RowFactory.create(0L, seq(1.0, 1.0), seq(1.0, 1.0)),
        RowFactory.create(1L, seq(1.0, null), seq(1.0, 1.0))));
    fails(NullValueException.class,
        () -> run(KeyedData.partitioned(spark, parts, schema), scan),
        "expected non-null values in column 'a', found null (step 1 of the chunk) at row 1 of the"
            + " series (row 1 of the input in chunk ordinal order, partition 0)");
    List<List<Row>> parts2 = List.of(List.of(
        RowFactory.create(0L, seq(1.0, 1.0), seq(1.0))));
    fails(ShapeException.class, () -> run(KeyedData.partitioned(spark, parts2, schema), scan),
        "expected arrays 'a' and 'b' of one equal length that is a multiple of width 1, found"
            + " lengths 2 and 1 at chunk 0 of the series (row 0 of the input in chunk ordinal order,"
            + " partition 0)");
    List<List<Row>> parts3 = List.of(List.of(RowFactory.create(0L, null, seq(1.0))));
    fails(NullValueException.class, () -> run(KeyedData.partitioned(spark, parts3, schema), scan),
        "expected non-null values in column 'a', found null at row 0 of the series (row 0 of the"
            + " input in chunk ordinal order, partition 0)");
  }

  private static Object seq(Double... v) {
    return scala.jdk.javaapi.CollectionConverters.asScala(Arrays.asList(v)).toSeq();
  }
}
