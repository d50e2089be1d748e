package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.longscan.BackendProvider;
import dev.longscan.ScanOptions;
import dev.longscan.Sequence;
import dev.longscan.TestData;
import java.util.List;
import java.util.ServiceLoader;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Spark scan on the real GPU backend (local mode): long format with large blocks and the
 * chunked format against the CPU path, and the RDD entry point (its scans from zero kept and
 * propagated, and rescanned) against the float64 reference. Skipped, saying why, where no GPU
 * backend is usable.
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

  @Test
  void theRddEntryPointOnTheGpuKeepsItsScansFromZeroAndMatchesTheReference() {
    assumeGpu();
    SparkSession spark = SparkTests.session();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    try {
      jsc.sc().conf().set(LongscanConf.BACKEND, "gpu");
      int round = 0;
      for (boolean f32 : new boolean[] {true, false}) {
        for (int width : new int[] {1, 3}) {
          for (ScanOptions o : new ScanOptions[] {ScanOptions.defaults(),
              ScanOptions.reverse().withInitialState(TestData.state(width, 9))}) {
            round++;
            String what = (f32 ? "float32" : "float64") + " width " + width + " "
                + o.direction();
            List<Chunk> in = KeptStatesTest.chunks(3, 20_000, width, f32, 300 + round);
            List<double[]> ref = KeptStatesTest.reference(in, width, o);
            JavaRDD<Chunk> rdd = jsc.parallelize(in, 1 + round % 5).cache();
            jsc.sc().conf().set(LongscanConf.KEEP_STATES, "true");
            JavaRDD<ChunkResult> kept = Scans.scanChunks(rdd, width, o);
            List<ChunkResult> out = kept.collect();
            jsc.sc().conf().set(LongscanConf.KEEP_STATES, "false");
            List<ChunkResult> rescanned = Scans.scanChunks(rdd, width, o).collect();
            for (int i = 0; i < in.size(); i++) {
              TestData.assertClose(Sequence.of(ref.get(i), width), out.get(i).h(),
                  f32 ? 2e-4 : 1e-11, what + ", kept, chunk " + i);
              TestData.assertClose(Sequence.of(ref.get(i), width), rescanned.get(i).h(),
                  f32 ? 2e-4 : 1e-11, what + ", rescanned, chunk " + i);
            }
            // the propagation ran once: evaluating the result again gives the same bits
            KeptStatesTest.assertSameBits(KeptStatesTest.bits(out),
                KeptStatesTest.bits(kept.collect()), what + ", second evaluation");
            Scans.releaseStates(kept);
            rdd.unpersist(true);
          }
        }
      }
    } finally {
      jsc.sc().conf().remove(LongscanConf.BACKEND);
      jsc.sc().conf().remove(LongscanConf.KEEP_STATES);
    }
  }
}
