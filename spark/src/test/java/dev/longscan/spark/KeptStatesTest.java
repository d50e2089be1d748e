package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.Backends;
import dev.longscan.OrderException;
import dev.longscan.Precision;
import dev.longscan.ScanOptions;
import dev.longscan.Sequence;
import dev.longscan.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The RDD entry point with {@link LongscanConf#KEEP_STATES} on (phase 1 keeps each chunk's scan
 * from a zero state, phase 3 settles it in place) and off (phase 3 rescans): both against the
 * float64 reference of all chunks end to end, for one channel and width 16 (the shapes the CPU
 * guesses) and width 3 (no guess), float32 and float64, both directions, series spanning
 * partitions, empty chunks and empty partitions, chunk lengths that are not powers of two, and
 * multipliers that contract and that do not (a = 1 for whole chunks). The kept states are
 * settled in place, so evaluating the result again, or retrying a task that failed after
 * settling some of them, must give the same bits.
 */
class KeptStatesTest {
  static SparkSession spark;
  static JavaSparkContext jsc;

  @BeforeAll
  static void start() {
    spark = SparkTests.session();
    jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterEach
  void defaults() {
    jsc.sc().conf().remove(LongscanConf.KEEP_STATES);
  }

  /** Random chunks of several series: lengths 0..maxSteps, some chunks with a = 1 throughout. */
  private static List<Chunk> chunks(int series, int maxSteps, int width, boolean f32,
      long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Chunk> out = new ArrayList<>();
    for (int s = 0; s < series; s++) {
      int n = 1 + r.nextInt(9);
      for (int c = 0; c < n; c++) {
        int steps = r.nextInt(7) == 0 ? 0 : 1 + r.nextInt(maxSteps);
        boolean ones = r.nextInt(5) == 0;
        double[] a = new double[steps * width];
        double[] b = new double[steps * width];
        for (int i = 0; i < a.length; i++) {
          a[i] = ones ? 1 : 0.3 + 0.69 * r.nextDouble();
          b[i] = 2 * r.nextDouble() - 1;
        }
        if (f32) {
          float[] af = new float[a.length];
          float[] bf = new float[b.length];
          for (int i = 0; i < a.length; i++) {
            af[i] = (float) a[i];
            bf[i] = (float) b[i];
          }
          out.add(Chunk.of(s, 3L * c, width, af, bf));
        } else {
          out.add(Chunk.of(s, 3L * c, width, a, b));
        }
      }
    }
    return out;
  }

  /** The float64 reference of every chunk, each series from h0, end to end. */
  private static List<double[]> reference(List<Chunk> chunks, int width, ScanOptions o) {
    int total = 0;
    for (Chunk c : chunks) {
      total += c.steps();
    }
    double[] a = new double[total * width];
    double[] b = new double[total * width];
    boolean[] starts = new boolean[total];
    int step = 0;
    for (int i = 0; i < chunks.size(); i++) {
      Chunk c = chunks.get(i);
      if ((i == 0 || chunks.get(i - 1).series() != c.series()) && step < total) {
        starts[step] = true;
      }
      System.arraycopy(c.a().toDoubleArray(), 0, a, step * width, c.steps() * width);
      System.arraycopy(c.b().toDoubleArray(), 0, b, step * width, c.steps() * width);
      step += c.steps();
    }
    double[] h = Backends.reference().scan(Sequence.of(a, width), Sequence.of(b, width),
        o.withSegmentStarts(starts)).doubleArray();
    List<double[]> out = new ArrayList<>();
    int off = 0;
    for (Chunk c : chunks) {
      double[] part = new double[c.steps() * width];
      System.arraycopy(h, off, part, 0, part.length);
      out.add(part);
      off += part.length;
    }
    return out;
  }

  private static List<ChunkResult> scan(List<Chunk> chunks, int partitions, int width,
      ScanOptions o, boolean keep) {
    jsc.sc().conf().set(LongscanConf.KEEP_STATES, Boolean.toString(keep));
    return Scans.scanChunks(jsc.parallelize(chunks, partitions), width, o).collect();
  }

  @Test
  void keptAndRescannedStatesMatchTheReference() {
    int round = 0;
    for (boolean f32 : new boolean[] {true, false}) {
      for (int width : new int[] {1, 16, 3}) {
        for (ScanOptions o : new ScanOptions[] {ScanOptions.defaults(),
            ScanOptions.reverse().withInitialState(TestData.state(width, 5))}) {
          round++;
          List<Chunk> in = chunks(4, width == 1 ? 3000 : 300, width, f32, 100 + round);
          List<double[]> ref = reference(in, width, o);
          int partitions = 1 + new SplittableRandom(round).nextInt(in.size() + 4);
          for (boolean keep : new boolean[] {true, false}) {
            String what = (f32 ? "float32" : "float64") + " width " + width + " "
                + o.direction() + " keep " + keep + ", " + partitions + " partitions";
            List<ChunkResult> out = scan(in, partitions, width, o, keep);
            assertEquals(in.size(), out.size(), what);
            for (int i = 0; i < in.size(); i++) {
              assertEquals(in.get(i).ordinal(), out.get(i).ordinal(), what);
              assertEquals(in.get(i).series(), out.get(i).series(), what);
              assertEquals(f32 ? Precision.FLOAT32 : Precision.FLOAT64,
                  out.get(i).precision(), what);
              TestData.assertClose(Sequence.of(ref.get(i), width), out.get(i).h(),
                  f32 ? 2e-4 : 1e-11, what + ", chunk " + i);
            }
          }
        }
      }
    }
  }

  static final AtomicInteger THROWN = new AtomicInteger();

  /** Bits of every state of every result. */
  private static List<long[]> bits(List<ChunkResult> out) {
    List<long[]> all = new ArrayList<>();
    for (ChunkResult r : out) {
      double[] h = r.h().toDoubleArray();
      long[] x = new long[h.length];
      for (int i = 0; i < h.length; i++) {
        x[i] = Double.doubleToRawLongBits(h[i]);
      }
      all.add(x);
    }
    return all;
  }

  private static void assertSameBits(List<long[]> expected, List<long[]> actual, String what) {
    assertEquals(expected.size(), actual.size(), what);
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), what + ", chunk " + i);
    }
  }

  @Test
  void reevaluationsRetriesAndRerunsGiveTheSameBits() {
    for (boolean f32 : new boolean[] {true, false}) {
      List<Chunk> in = chunks(3, 2000, 1, f32, 7);
      JavaRDD<Chunk> rdd = jsc.parallelize(in, 5).cache();
      jsc.sc().conf().set(LongscanConf.KEEP_STATES, "true");
      JavaRDD<ChunkResult> res = Scans.scanChunks(rdd, 1, ScanOptions.defaults());
      List<long[]> first = bits(res.collect());
      // settled states settled again (the kept arrays are the results)
      assertSameBits(first, bits(res.collect()), "second evaluation");
      // a fresh scan: new guesses, the same carries
      assertSameBits(first, bits(Scans.scanChunks(rdd, 1, ScanOptions.defaults()).collect()),
          "rerun");
      // first attempts fail after their first chunk was settled and emitted; the retries settle
      // the partly settled states again
      Set<Integer> fail = Set.of(0, 2, 3);
      THROWN.set(0);
      JavaRDD<ChunkResult> again = Scans.scanChunks(rdd, 1, ScanOptions.defaults());
      List<ChunkResult> retried = again.mapPartitions(it -> {
        TaskContext tc = TaskContext.get();
        List<ChunkResult> seen = new ArrayList<>();
        while (it.hasNext()) {
          seen.add(it.next());
          if (tc.attemptNumber() == 0 && fail.contains(tc.partitionId())) {
            THROWN.incrementAndGet();
            throw new IllegalStateException("injected failure in partition "
                + tc.partitionId());
          }
        }
        return seen.iterator();
      }).collect();
      assertTrue(THROWN.get() >= 3, "failures injected: " + THROWN.get());
      assertSameBits(first, bits(retried), "retried tasks");
      rdd.unpersist(true);
    }
  }

  /** Ids of the persisted RDDs that hold kept states. */
  private static Set<Integer> keptStates() {
    Set<Integer> ids = new java.util.HashSet<>();
    jsc.getPersistentRDDs().forEach((id, r) -> {
      if (String.valueOf(r.name()).startsWith("longscan: chunk states")) {
        ids.add(id);
      }
    });
    return ids;
  }

  @Test
  void aFailedPhaseOneReleasesTheKeptStates() {
    jsc.sc().conf().set(LongscanConf.KEEP_STATES, "true");
    List<Chunk> bad = List.of(Chunk.of(0, new double[] {0.5}, new double[] {1}),
        Chunk.of(2, new double[] {0.5}, new double[] {1}),
        Chunk.of(1, new double[] {0.5}, new double[] {1}));
    // (the garbage collector may release other tests' states meanwhile: compare ids, not counts)
    Set<Integer> before = keptStates();
    assertThrows(OrderException.class, () -> Scans.scanChunks(jsc.parallelize(bad, 2)));
    Set<Integer> after = keptStates();
    assertTrue(before.containsAll(after), "states kept by the failed scan: " + after + " against "
        + before + " before it");
    JavaRDD<ChunkResult> ok = Scans.scanChunks(jsc.parallelize(bad.subList(0, 2), 2));
    assertFalse(after.containsAll(keptStates()), "the kept states are persisted");
    assertEquals(2, ok.count());
  }
  /** Phase 3 by hand over two contractive chunks of one series, from the given kept states. */
  private static List<ChunkResult> phase3(LocalStates kept, double[] carries) {
    LongscanConf.Settings st = new LongscanConf.Settings(
        k -> k.equals(LongscanConf.BACKEND) ? "cpu" : null);
    ChunkScan scan = new ChunkScan(new Columns.Keys(ChunkScan.CHUNK_KEYS, new String[] {"series"}),
        new Columns.Time(ChunkScan.CHUNK_KEYS, "ordinal"), 1, dev.longscan.Direction.FORWARD,
        null, dev.longscan.NonFinitePolicy.PROPAGATE, st.backends(true), null, null, null);
    PartitionPlan plan = new PartitionPlan();
    plan.carries = carries;
    plan.blocks = 2;
    List<ChunkResult> out = new ArrayList<>();
    scan.applyChunks(0, twoChunks().iterator(), plan, kept).forEachRemaining(out::add);
    return out;
  }

  private static List<Chunk> twoChunks() {
    List<Chunk> in = chunks(1, 800, 1, true, 17);
    List<Chunk> two = new ArrayList<>();
    for (Chunk c : in) {
      if (c.steps() > 100 && c.a().get(0, 0) != 1 && two.size() < 2) {
        two.add(Chunk.of(0, two.size(), 1, c.a().floatArray(), c.b().floatArray()));
      }
    }
    return two;
  }

  @Test
  void statesGuessedByAnotherBackendAreRescannedNotSettled() {
    double[] carries = {0.25, -0.5};
    List<Chunk> two = twoChunks();
    assertEquals(2, two.size());
    Object[] garbage = new Object[2];
    Object[] guesses = new Object[2];
    dev.longscan.Backend cpu = Backends.singleThread();
    List<long[]> expected = new ArrayList<>();
    for (int j = 0; j < 2; j++) {
      Chunk c = two.get(j);
      Sequence h = Sequence.allocate(Precision.FLOAT32, c.steps(), 1);
      cpu.guess(c.a(), c.b(), ScanOptions.defaults(), h);
      guesses[j] = h.floatArray();
      Sequence ref = Sequence.allocate(Precision.FLOAT32, c.steps(), 1);
      cpu.apply(c.a(), c.b(), new double[] {carries[j]}, ScanOptions.defaults(), ref);
      // a foreign guess that agrees with the result early on and not later: settling it would
      // stop at the first agreement and keep the rest
      float[] g = ref.floatArray().clone();
      java.util.Arrays.fill(g, Math.min(g.length, 64), g.length, 7f);
      garbage[j] = g;
      expected.add(bits(List.of(ChunkResult.of(0, j, ref))).get(0));
    }
    PartitionReport rep = new PartitionReport(0);
    // states another backend guessed are not trusted: phase 3 rescans
    assertSameBits(expected, bits(phase3(new LocalStates(0, rep, garbage, "another backend"),
        carries)), "foreign states");
    // this backend's own guesses are settled
    assertSameBits(expected, bits(phase3(new LocalStates(0, rep, guesses, cpu.describe()),
        carries)), "own states");
    assertThrows(IllegalStateException.class,
        () -> phase3(new LocalStates(1, rep, guesses, cpu.describe()), carries));
  }

  @Test
  void aGpuThatDeclinesToGuessGetsTheTwoPassScan() {
    System.setProperty("longscan.fakegpu.devices", "2");
    try {
      jsc.sc().conf().set(LongscanConf.BACKEND, "gpu");
      jsc.sc().conf().set(LongscanConf.GPU_BACKEND, "fakegpu");
      List<Chunk> in = chunks(3, 400, 1, false, 29);
      List<double[]> ref = reference(in, 1, ScanOptions.defaults());
      long before = FakeGpuProvider.CALLS.values().stream().mapToLong(AtomicLong::get).sum();
      List<ChunkResult> out = scan(in, 4, 1, ScanOptions.defaults(), true);
      long after = FakeGpuProvider.CALLS.values().stream().mapToLong(AtomicLong::get).sum();
      assertTrue(after > before, "the stand-in GPU was not used");
      for (int i = 0; i < in.size(); i++) {
        TestData.assertClose(Sequence.of(ref.get(i), 1), out.get(i).h(), 1e-11, "chunk " + i);
      }
    } finally {
      System.clearProperty("longscan.fakegpu.devices");
      jsc.sc().conf().remove(LongscanConf.BACKEND);
      jsc.sc().conf().remove(LongscanConf.GPU_BACKEND);
    }
  }
}
