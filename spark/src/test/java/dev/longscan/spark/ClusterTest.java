package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.longscan.Backends;
import dev.longscan.Filters;
import dev.longscan.Sequence;
import dev.longscan.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executors in separate JVMs: GPU addresses assigned by Spark's resource scheduling reach the
 * tasks' backend choice, and an executor killed mid-job does not change the result.
 *
 * <p>Executors in separate JVMs (Spark's local-cluster mode: a master and two workers in this JVM,
 * each worker launching its executor as a child process on loopback, with the test class path),
 * one of which dies (halts) in the middle of phase 3; Spark loses its tasks and shuffle output,
 * recomputes them on the other executors, and the result is bitwise the one of the clean run.
 *
 * <p>local-cluster mode needs no Spark distribution: the workers read SPARK_HOME and
 * SPARK_SCALA_VERSION from the environment (the Maven build sets them) and want an (empty)
 * {@code $SPARK_HOME/jars}; the executors get their classes from
 * {@code spark.executor.extraClassPath}, set to the test class path.
 */
class ClusterTest {
  static SparkSession spark;
  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() throws IOException {
    String sparkHome = System.getenv("SPARK_HOME");
    assumeTrue(sparkHome != null && System.getenv("SPARK_SCALA_VERSION") != null,
        "local-cluster mode needs SPARK_HOME and SPARK_SCALA_VERSION in the environment (the"
            + " Maven build sets them; see spark/pom.xml)");
    SparkTests.stop();
    Path home = Paths.get(sparkHome);
    Files.createDirectories(home.resolve("jars"));
    // each worker "has" two GPUs (a stand-in discovery script); tasks take half a GPU each
    Path discovery = tmp.resolve("gpus.sh");
    Files.writeString(discovery,
        "#!/usr/bin/env bash\necho '{\"name\": \"gpu\", \"addresses\": [\"0\", \"1\"]}'\n");
    discovery.toFile().setExecutable(true);
    String cp = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    spark = SparkSession.builder()
        .master("local-cluster[2,1,1024]")
        .appName("longscan-executor-loss")
        .config("spark.executor.extraClassPath", cp)
        .config("spark.executor.extraJavaOptions", "-Dlongscan.fakegpu.devices=2")
        .config("spark.worker.resource.gpu.amount", "2")
        .config("spark.worker.resource.gpu.discoveryScript", discovery.toString())
        .config("spark.executor.resource.gpu.amount", "2")
        .config("spark.task.resource.gpu.amount", "0.5")
        .config(LongscanConf.GPU_BACKEND, "fakegpu")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrationRequired", "true")
        .config("spark.kryo.registrator", LongscanKryoRegistrator.class.getName())
        .config("spark.sql.shuffle.partitions", "6")
        .config("spark.sql.adaptive.coalescePartitions.enabled", "false")
        .config("spark.task.maxFailures", "4")
        .config("spark.executorEnv.LONGSCAN_KILL_MARKER", tmp.resolve("kill").toString())
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  /** Halts the executor JVM the first time a task of partition 2 runs while the marker exists. */
  static UserDefinedFunction killerOnce() {
    return functions.udf((UDF1<Double, Double> & java.io.Serializable) x -> {
      String marker = System.getenv("LONGSCAN_KILL_MARKER");
      TaskContext tc = TaskContext.get();
      if (marker != null && tc.partitionId() == 2) {
        Path m = Paths.get(marker);
        try {
          Files.delete(m); // only one task in all JVMs succeeds
          Runtime.getRuntime().halt(137);
        } catch (IOException gone) {
          // no marker: the kill has happened (or is not wanted yet)
        }
      }
      return x;
    }, DataTypes.DoubleType);
  }

  @Test
  void tasksUseTheGpuSparkAssignedThem() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<String> seen = jsc.parallelize(List.of(0, 1, 2, 3, 4, 5, 6, 7), 8).mapPartitions(it -> {
      TaskContext tc = TaskContext.get();
      String address = tc.resources().get("gpu").get().addresses()[0];
      ExecutorBackends eb = new ExecutorBackends("auto", "fakegpu", "gpu", false);
      return List.of(address + " " + eb.forTask(tc.partitionId()).describe()).iterator();
    }).collect();
    assertEquals(8, seen.size());
    for (String s : seen) {
      String[] parts = s.split(" ");
      assertEquals("fakegpu:" + parts[0], parts[1], "task on address " + parts[0]);
    }
  }

  @Test
  void killedExecutorMidJob() throws IOException {
    KeyedData d = KeyedData.random(6, 900, 31);
    // shuffled input: longscan's scan reads the sort's shuffle output, part of which lives on
    // the executor that dies
    Dataset<Row> input = d.frame(spark, KeyedData.randomCuts(d.rows(), 5, 1))
        .repartition(4).sort("key", "t")
        .withColumn("x2", killerOnce().apply(functions.col("x")));
    ScanTransform scan = Scans.emaHalfLife("x2", 300.0).key("key").orderBy("t").presorted();

    long[] clean = bits(input.transform(scan));
    double[] ref = Filters.using(Backends.reference())
        .emaIrregular(Sequence.of(d.x), d.times(), 300.0, d.starts).doubleArray();
    TestData.assertClose(ref, toDoubles(clean), 1e-12, "clean run on the cluster");

    Dataset<Row> out = input.transform(scan); // phase 1 now, with no marker
    Path marker = tmp.resolve("kill");
    Files.createFile(marker); // phase 3 (below) kills the executor running partition 2
    long[] afterKill = bits(out);
    assertFalse(Files.exists(marker), "an executor should have been killed");
    assertArrayEquals(clean, afterKill, "after an executor died mid-job");
  }

  private static long[] bits(Dataset<Row> out) {
    List<Row> rows = out.select("ema").collectAsList();
    long[] b = new long[rows.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = Double.doubleToRawLongBits(rows.get(i).getDouble(0));
    }
    assertEquals(b.length, rows.size());
    return b;
  }

  private static double[] toDoubles(long[] bits) {
    double[] d = new double[bits.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = Double.longBitsToDouble(bits[i]);
    }
    return d;
  }
}
