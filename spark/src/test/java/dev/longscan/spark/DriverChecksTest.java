package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.longscan.BackendUnavailableException;
import dev.longscan.ParameterException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Settings that cannot work fail at {@code transform()}, on the driver, before any job, with the
 * cause in the message: an initial state of the wrong width, and a GPU backend demanded where
 * there is none (in local mode, where the driver's machine is the executors').
 */
class DriverChecksTest {
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTests.session();
  }

  @AfterEach
  void reset() {
    spark.conf().unset(LongscanConf.BACKEND);
    spark.conf().unset(LongscanConf.GPU_BACKEND);
  }

  /** Runs e, asserting it throws type with exactly message and that no job started. */
  static <T extends Throwable> T beforeAnyJob(Class<T> type, Executable e, String message) {
    String group = "driver-check-" + System.nanoTime();
    spark.sparkContext().setJobGroup(group, "", false);
    try {
      T ex = assertThrows(type, e);
      assertEquals(message, ex.getMessage());
      assertEquals(0, spark.sparkContext().statusTracker().getJobIdsForGroup(group).length,
          "jobs before the error");
      return ex;
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }

  static Dataset<Row> input() {
    KeyedData d = KeyedData.random(3, 20, 2);
    return d.frame(spark, KeyedData.randomCuts(d.rows(), 2, 1));
  }

  @Test
  void anInitialStateOfTheWrongWidth() {
    Dataset<Row> df = input();
    beforeAnyJob(ParameterException.class,
        () -> df.transform(Scans.affine("a", "x").initialState(1.0, 2.0).key("key")
            .orderBy("t")),
        "expected an initial state of 1 value for affine (the long format has one channel per"
            + " row; for several channels use the chunked format with width(n)), found 2 values"
            + " [1.0, 2.0]");
  }

  @Test
  void aGpuBackendWithoutAGpu() {
    Dataset<Row> df = input();
    spark.conf().set(LongscanConf.BACKEND, "gpu");
    spark.conf().set(LongscanConf.GPU_BACKEND, "nosuchgpu");
    beforeAnyJob(BackendUnavailableException.class,
        () -> df.transform(Scans.cumsum("x").key("key").orderBy("t")),
        "spark.longscan.backend=gpu but no GPU backend ('nosuchgpu') on the class path");
    // the stand-in provider without devices: its own reason
    spark.conf().set(LongscanConf.GPU_BACKEND, "fakegpu");
    beforeAnyJob(BackendUnavailableException.class,
        () -> df.transform(Scans.cumsum("x").key("key").orderBy("t").presorted()),
        "spark.longscan.backend=gpu but fakegpu disabled (set -Dlongscan.fakegpu.devices=N)");
    // a named device that cannot be opened: the cause on top, and kept as the cause
    spark.conf().set(LongscanConf.BACKEND, "gpu:0");
    spark.conf().set(LongscanConf.GPU_BACKEND, "nosuchgpu");
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> df.transform(Scans.cumsum("x").key("key").orderBy("t")));
    assertNotNull(e.getMessage());
    assertEquals(true, e.getMessage().startsWith("spark.longscan.backend=gpu:0 but"),
        e.getMessage());
  }
}
