package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.NonFiniteException;
import dev.longscan.NonFinitePolicy;
import dev.longscan.OrderException;
import dev.longscan.ParameterException;
import dev.longscan.ScanOptions;
import dev.longscan.ShapeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
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
 * The bad-input table of the chunked format ({@code Scans.chunks}) and of the RDD entry point
 * ({@code Scans.scanChunks}): exception type, and a message that names what was expected, what
 * was found and where (column, series, chunk, partition); settings and schema errors come before
 * any job. The DataFrame: series (long), chunk (long), a and b (array&lt;double&gt;), in two
 * partitions: (1, 0), (1, 1) | (2, 0), (2, 1), each chunk two steps; the data cases spoil chunk
 * (2, 1), chunk 1 of series 2 (chunk 3 of the input, partition 1).
 */
class ChunksBadInputTest {
  static SparkSession spark;
  static final StructType SCHEMA = new StructType()
      .add("series", DataTypes.LongType, true)
      .add("chunk", DataTypes.LongType, true)
      .add("a", DataTypes.createArrayType(DataTypes.DoubleType, true), true)
      .add("b", DataTypes.createArrayType(DataTypes.DoubleType, true), true);

  @BeforeAll
  static void start() {
    spark = SparkTests.session();
  }

  static Object seq(Double... v) {
    return v == null ? null : scala.jdk.javaapi.CollectionConverters.asScala(Arrays.asList(v))
        .toSeq();
  }

  /** The good chunks with chunk (2, 1)'s column {@code col} replaced by {@code v}. */
  static Dataset<Row> input(String col, Object v) {
    Object[][] rows = {
        {1L, 0L, seq(0.5, 0.5), seq(1.0, 2.0)}, {1L, 1L, seq(0.5, 0.5), seq(1.0, 2.0)},
        {2L, 0L, seq(0.5, 0.5), seq(1.0, 2.0)}, {2L, 1L, seq(0.5, 0.5), seq(1.0, 2.0)}};
    if (col != null) {
      rows[3][SCHEMA.fieldIndex(col)] = v;
    }
    List<List<Row>> parts = new ArrayList<>();
    parts.add(List.of(RowFactory.create(rows[0]), RowFactory.create(rows[1])));
    parts.add(List.of(RowFactory.create(rows[2]), RowFactory.create(rows[3])));
    return KeyedData.partitioned(spark, parts, SCHEMA);
  }

  static ScanTransform scan() {
    return Scans.chunks("a", "b").key("series").orderBy("chunk").presorted();
  }

  static Runnable frame(Dataset<Row> df, ScanTransform scan) {
    return () -> df.transform(scan).collectAsList();
  }

  static Runnable rdd(List<Chunk> chunks, int width, ScanOptions o) {
    return () -> {
      JavaRDD<Chunk> r = chunks == null ? null : JavaSparkContext.fromSparkContext(
          spark.sparkContext()).parallelize(chunks, 2);
      Scans.scanChunks(r, width, o).collect();
    };
  }

  static List<Chunk> chunks(long... ordinals) {
    List<Chunk> cs = new ArrayList<>();
    for (long o : ordinals) {
      cs.add(Chunk.of(1L, o, 1, new double[] {0.5, 0.5}, new double[] {1.0, 2.0}));
    }
    return cs;
  }

  static List<TransformBadInputs.Case> cases() {
    String where = "chunk 1 of key series=2 (row 3 of the input in (key, chunk ordinal) order,"
        + " partition 1)";
    List<TransformBadInputs.Case> cs = new ArrayList<>();
    cs.add(new TransformBadInputs.Case("arrays of unequal length", frame(input("b",
        seq(1.0, 2.0, 3.0)), scan()), ShapeException.class, false, "found", where));
    cs.add(new TransformBadInputs.Case("length not a multiple of the width", frame(input(null,
        null), scan().width(3)), ShapeException.class, false, "3", "chunk 0 of key series=1"));
    cs.add(new TransformBadInputs.Case("null array element", frame(input("b", seq(1.0, null)),
        scan()), NullValueException.class, false, "column 'b'", "series=2", "partition 1"));
    cs.add(new TransformBadInputs.Case("null array", frame(input("a", null), scan()),
        NullValueException.class, false, "column 'a'", "series=2", "partition 1"));
    cs.add(new TransformBadInputs.Case("duplicate chunk ordinal", frame(input("chunk", 0L),
        scan()), OrderException.class, false, "chunk ordinal column 'chunk'",
        "found 0 twice (a duplicate) at rows 0 and 1 of key series=2", "partition 1"));
    cs.add(new TransformBadInputs.Case("NaN under REJECT", frame(input("a",
        seq(0.5, Double.NaN)), scan().nonFinite(NonFinitePolicy.REJECT)),
        NonFiniteException.class, false, "column 'a'", "found NaN", "series=2", "partition 1"));
    cs.add(new TransformBadInputs.Case("floating-point ordinal", frame(input(null, null)
        .withColumn("chunk", functions.col("chunk").cast("double")), scan()),
        ParameterException.class, true,
        "expected an integral chunk ordinal column 'chunk', found a floating-point one"));
    cs.add(new TransformBadInputs.Case("initial state of another width", frame(input(null,
        null), scan().initialState(1.0, 2.0)), ParameterException.class, true,
        "expected an initial state of width 1, found 2 values"));
    cs.add(new TransformBadInputs.Case("arrays of strings", frame(input(null, null)
        .withColumn("a", functions.array(functions.lit("s"))), scan()),
        ParameterException.class, true, "'a'", "string"));
    cs.add(new TransformBadInputs.Case("missing array column", frame(input(null, null)
        .drop("b"), scan()), ParameterException.class, true, "'b'"));
    cs.add(new TransformBadInputs.Case("non-deterministic input", frame(input(null, null)
        .withColumn("b", functions.array(functions.rand(2), functions.lit(1.0))), scan()),
        ParameterException.class, true, "non-deterministic expression 'rand(2L)'"));
    cs.add(new TransformBadInputs.Case("rdd: null chunks", rdd(null, 1, ScanOptions.defaults()),
        ParameterException.class, true, "expected chunks and options, found null"));
    cs.add(new TransformBadInputs.Case("rdd: width 0", rdd(chunks(0, 1), 0,
        ScanOptions.defaults()), ParameterException.class, true,
        "expected width >= 1, found 0"));
    cs.add(new TransformBadInputs.Case("rdd: initial state of another width", rdd(chunks(0, 1), 1,
        ScanOptions.defaults().withInitialState(new double[] {1, 2})), ParameterException.class,
        true, "expected an initial state of width 1, found 2 values"));
    cs.add(new TransformBadInputs.Case("rdd: chunks out of order", rdd(chunks(0, 2, 1, 3), 1,
        ScanOptions.defaults()), OrderException.class, false, "ordinal", "found 1 after 2"));
    cs.add(new TransformBadInputs.Case("rdd: a GPU where there is none", () -> {
      spark.sparkContext().conf().set(LongscanConf.BACKEND, "gpu");
      spark.sparkContext().conf().set(LongscanConf.GPU_BACKEND, "nosuchgpu");
      try {
        rdd(chunks(0, 1), 1, ScanOptions.defaults()).run();
      } finally {
        spark.sparkContext().conf().remove(LongscanConf.BACKEND);
        spark.sparkContext().conf().remove(LongscanConf.GPU_BACKEND);
      }
    }, dev.longscan.BackendUnavailableException.class, true,
        "spark.longscan.backend=gpu but no GPU backend ('nosuchgpu') on the class path"));
    return cs;
  }

  @TestFactory
  Stream<DynamicTest> badInputs() {
    return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
      String group = "chunk-bad-input-" + System.nanoTime();
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
