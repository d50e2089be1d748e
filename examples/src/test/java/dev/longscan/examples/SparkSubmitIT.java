package dev.longscan.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.Backends;
import dev.longscan.Filters;
import dev.longscan.Sequence;
import dev.longscan.TestData;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged thin jar through {@code org.apache.spark.deploy.SparkSubmit} in local mode, in a
 * JVM whose class path holds Spark and nothing of longscan (as on a cluster where Spark is
 * provided), with Spark's default Java serializer: the tick EMA job writes Parquet, and the
 * result read back here matches core's reference.
 */
class SparkSubmitIT {
  @TempDir
  Path tmp;

  @Test
  void tickEmaJobThroughSparkSubmit() throws IOException, InterruptedException {
    Path target = Paths.get("target");
    Path jar = Files.list(target).filter(p -> p.getFileName().toString().endsWith(
        "-spark-job.jar")).findFirst().orElseThrow(() -> new AssertionError(
            "no *-spark-job.jar in target/: run mvn package"));
    String cp = Files.readString(target.resolve("runtime-classpath.txt")).trim();
    String sparkOnly = java.util.Arrays.stream(cp.split(File.pathSeparator))
        .filter(e -> !e.contains("longscan") && !e.contains("/core/target")
            && !e.contains("/spark/target") && !e.contains("/gpu/target")
            && !e.contains("picocli") && !e.contains("jcuda"))
        .collect(Collectors.joining(File.pathSeparator));
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    for (String opt : Files.readString(target.resolve("launcher/jvm-opens.txt")).trim()
        .split("\\s+")) {
      cmd.add(opt);
    }
    cmd.add("-Dlog4j2.configurationFile=" + target.resolve("launcher/log4j2.properties"));
    cmd.add("-cp");
    cmd.add(sparkOnly);
    cmd.add("org.apache.spark.deploy.SparkSubmit");
    cmd.addAll(List.of("--master", "local[2]", "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.driver.bindAddress=127.0.0.1", "--conf", "spark.ui.enabled=false",
        // Spark's default serializer (the other tests use Kryo)
        "--conf", "spark.serializer=org.apache.spark.serializer.JavaSerializer",
        "--class", "dev.longscan.examples.TickEmaJob", jar.toString(),
        "--rows", "40009", "--symbols", "6", "--half-life", "20",
        "--data", tmp.resolve("ticks").toString(), "--out", tmp.resolve("ema").toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("log").toFile()).start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "spark-submit did not finish in 5 minutes");
    String log = Files.readString(tmp.resolve("log"), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), log);
    assertTrue(log.contains("wrote 40,009 ticks of 6 symbols"), log);
    assertTrue(log.matches("(?s).*check: symbol S00000 .* OK.*"), log);

    // read the job's output back and check one more symbol independently
    SparkSession spark = SparkSession.builder().master("local[1]").appName("read back")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    try {
      assertEquals(40009, spark.read().parquet(tmp.resolve("ema").toString()).count());
      List<Row> rows = spark.read().parquet(tmp.resolve("ema").toString())
          .where(functions.col("symbol").equalTo("S00003")).orderBy("ts")
          .select(functions.unix_micros(functions.col("ts")), functions.col("price"),
              functions.col("ema"))
          .collectAsList();
      double[] t = new double[rows.size()];
      double[] x = new double[rows.size()];
      double[] ema = new double[rows.size()];
      for (int i = 0; i < t.length; i++) {
        t[i] = rows.get(i).getLong(0);
        x[i] = rows.get(i).getDouble(1);
        ema[i] = rows.get(i).getDouble(2);
      }
      double[] ref = Filters.using(Backends.reference())
          .emaIrregular(Sequence.of(x), t, 20e6, null).doubleArray();
      TestData.assertClose(ref, ema, 1e-12, "S00003 from the spark-submit job");
    } finally {
      spark.stop();
    }
  }
}
