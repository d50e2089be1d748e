package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.BackendUnavailableException;
import dev.longscan.ParameterException;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which backend a task uses ({@code spark.longscan.backend}, the GPU address Spark assigned,
 * local mode), with the "fakegpu" stand-in provider of the test class path.
 */
class BackendChoiceTest {

  @AfterEach
  void disableFake() {
    System.clearProperty("longscan.fakegpu.devices");
  }

  private static ExecutorBackends eb(String setting, boolean local) {
    return new ExecutorBackends(setting, "fakegpu", "gpu", local);
  }

  @Test
  void rulesWithoutAUsableGpu() {
    assertEquals("cpu", eb("cpu", true).choose(0, "1"));
    assertEquals("cpu", eb("auto", true).choose(3, "1"));
    assertEquals("cpu", eb("auto", false).choose(3, null));
    assertEquals("fakegpu:3", eb("gpu:3", false).choose(0, null));
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> eb("gpu", true).choose(0, null));
    assertEquals("spark.longscan.backend=gpu but fakegpu disabled (set"
        + " -Dlongscan.fakegpu.devices=N)", e.getMessage());
    BackendUnavailableException e2 = assertThrows(BackendUnavailableException.class,
        () -> new ExecutorBackends("gpu", "nosuch", "gpu", true).choose(0, null));
    assertEquals("spark.longscan.backend=gpu but no GPU backend ('nosuch') on the class path",
        e2.getMessage());
    assertEquals("cpu", new ExecutorBackends("auto", "nosuch", "gpu", true).choose(0, "0"));
  }

  @Test
  void rulesWithAUsableGpu() {
    System.setProperty("longscan.fakegpu.devices", "2");
    assertEquals("fakegpu:1", eb("auto", false).choose(0, "1"));
    assertEquals("fakegpu:0", eb("gpu", false).choose(7, "0"));
    // local mode schedules no resources: partitions take turns over the devices
    assertEquals("fakegpu:1", eb("auto", true).choose(7, null));
    assertEquals("fakegpu:0", eb("auto", true).choose(8, null));
    // a cluster task without an assigned GPU stays on the CPU under auto
    assertEquals("cpu", eb("auto", false).choose(7, null));
    assertEquals("fakegpu:1", eb("gpu", false).choose(7, null));
    assertEquals("cpu", eb("cpu", false).choose(7, "1"));
  }

  @Test
  void addressesMapThroughCudaVisibleDevices() {
    assertEquals(1, ExecutorBackends.cudaOrdinal("3", "2,3"));
    assertEquals(0, ExecutorBackends.cudaOrdinal(" 2", "2, 3"));
    assertEquals(7, ExecutorBackends.cudaOrdinal("7", null));
    assertEquals(5, ExecutorBackends.cudaOrdinal("5", "0,1"));
    ParameterException e = assertThrows(ParameterException.class,
        () -> ExecutorBackends.cudaOrdinal("GPU-1f2e", null));
    assertEquals("expected a GPU address that is a device index (as the discovery script reports"
        + " it), found 'GPU-1f2e'", e.getMessage());
    assertThrows(ParameterException.class, () -> ExecutorBackends.normalise("gpu:x"));
    assertEquals("gpu:2", ExecutorBackends.normalise(" GPU:2 "));
  }

  @Test
  void localModeScanRunsOnTheGpuBackendAndMatchesTheCpu() {
    SparkSession spark = SparkTests.session();
    KeyedData d = KeyedData.random(5, 400, 12);
    Dataset<Row> df = d.frame(spark, KeyedData.randomCuts(d.rows(), 6, 2));
    ScanTransform scan = Scans.affine("a", "b").key("key").orderBy("t").presorted();
    spark.conf().set(LongscanConf.CHUNK_SIZE, "50");
    // the CPU through the same block path as the GPU (not inline, one row at a time), so that
    // the stand-in's sequential kernel must give the same bits
    spark.conf().set(LongscanConf.INLINE_PHASE3, "false");
    try {
      spark.conf().set(LongscanConf.BACKEND, "cpu");
      double[] cpu = d.column(df.transform(scan), "h");
      System.setProperty("longscan.fakegpu.devices", "2");
      FakeGpuProvider.CALLS.clear();
      spark.conf().set(LongscanConf.BACKEND, "gpu");
      spark.conf().set(LongscanConf.GPU_BACKEND, "fakegpu");
      double[] gpu = d.column(df.transform(scan), "h");
      assertArrayEquals(cpu, gpu, 0.0);
      assertTrue(FakeGpuProvider.CALLS.containsKey(0) && FakeGpuProvider.CALLS.containsKey(1),
          "both devices used: " + FakeGpuProvider.CALLS);
    } finally {
      for (String k : List.of(LongscanConf.CHUNK_SIZE, LongscanConf.BACKEND,
          LongscanConf.GPU_BACKEND, LongscanConf.INLINE_PHASE3)) {
        spark.conf().unset(k);
      }
    }
  }
}
