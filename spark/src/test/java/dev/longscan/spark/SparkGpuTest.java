package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.longscan.BackendProvider;
import dev.longscan.TestData;
import java.util.List;
import java.util.ServiceLoader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Spark scan on the real GPU backend (local mode), against the CPU path: long format with
 * large blocks, and the chunked format. Skipped, saying why, where no GPU backend is usable.
 */
@Tag("gpu")
class SparkGpuTest {

  private static void assumeGpu() {
    String why = "no 'gpu' backend provider on the class path";
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
      if (p.name().equals("gpu")) {
        why = p.unavailableReason();
        if (why == null && p.deviceCount() < 1) {
          why = "the GPU backend sees no device";
        }
      }
    }
    assumeTrue(why == null, "GPU backend not usable: " + why);
  }

  @Test
  void longAndChunkedFormatsOnTheGpuMatchTheCpu() {
    assumeGpu();
    SparkSession spark = SparkTests.session();
    KeyedData d = KeyedData.random(13, 40_000, 77);
    Dataset<Row> df = d.frame(spark, KeyedData.randomCuts(d.rows(), 6, 5));
    ScanTransform scan = Scans.emaHalfLife("x", 400.0).key("key").orderBy("t").presorted();
    try {
      spark.conf().set(LongscanConf.CHUNK_SIZE, Integer.toString(1 << 16));
      spark.conf().set(LongscanConf.BACKEND, "cpu");
      double[] cpu = d.column(df.transform(scan), "ema");
      spark.conf().set(LongscanConf.BACKEND, "gpu");
      ScanResult res = scan.run(df);
      double[] gpu = d.column(res.dataset(), "ema");
      assertTrue(res.backendsUsed().stream().allMatch(b -> b.toLowerCase().contains("gpu")),
          "tasks ran on " + res.backendsUsed());
      TestData.assertClose(cpu, gpu, 1e-9, "long format, GPU vs CPU");

      ChunkedFormatTest.Chunks c = new ChunkedFormatTest.Chunks(3, 6, 300_000, 1, 8);
      Dataset<Row> chunks = KeyedData.partitioned(spark,
          c.rows(KeyedData.randomCuts(c.count(), 4, 2), true), ChunkedFormatTest.Chunks.schema(true));
      ScanTransform cs = Scans.chunks("a", "b").key("series").orderBy("chunk").presorted();
      List<Row> g = chunks.transform(cs).select("h").collectAsList();
      spark.conf().set(LongscanConf.BACKEND, "cpu");
      List<Row> h = chunks.transform(cs).select("h").collectAsList();
      assertEquals(h.size(), g.size());
      for (int i = 0; i < g.size(); i++) {
        List<Object> x = g.get(i).getList(0);
        List<Object> y = h.get(i).getList(0);
        double[] gx = new double[x.size()];
        double[] hy = new double[y.size()];
        for (int k = 0; k < gx.length; k++) {
          gx[k] = ((Number) x.get(k)).doubleValue();
          hy[k] = ((Number) y.get(k)).doubleValue();
        }
        TestData.assertClose(hy, gx, 2e-4, "chunk " + i + ", GPU vs CPU (float32)");
      }
    } finally {
      spark.conf().unset(LongscanConf.CHUNK_SIZE);
      spark.conf().unset(LongscanConf.BACKEND);
    }
  }
}
