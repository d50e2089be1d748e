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
import java.util.Iterator;
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
  static List<Chunk> chunks(int series, int maxSteps, int width, boolean f32,
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
  static List<double[]> reference(List<Chunk> chunks, int width, ScanOptions o) {
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
          List<Chunk> in = chunks(4, width == 3 ? 300 : 3000, width, f32, 100 + round);
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
  static List<long[]> bits(List<ChunkResult> out) {
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

  static void assertSameBits(List<long[]> expected, List<long[]> actual, String what) {
    assertEquals(expected.size(), actual.size(), what);
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), what + ", chunk " + i);
    }
  }

  @Test
  void reevaluationsRetriesAndRerunsGiveTheSameBits() {
    // width 1: guesses, settled; width 3 (no guess): scans from zero, propagated once
    for (int width : new int[] {1, 3}) {
      for (boolean f32 : new boolean[] {true, false}) {
        reevaluate(width, f32);
      }
    }
  }

  private static void reevaluate(int width, boolean f32) {
    String w = "width " + width + (f32 ? ", float32: " : ", float64: ");
    List<Chunk> in = chunks(3, 2000, width, f32, 7);
    JavaRDD<Chunk> rdd = jsc.parallelize(in, 5).cache();
    jsc.sc().conf().set(LongscanConf.KEEP_STATES, "true");
    JavaRDD<ChunkResult> res = Scans.scanChunks(rdd, width, ScanOptions.defaults());
    List<long[]> first = bits(res.collect());
    // settled states settled again (the kept arrays are the results)
    assertSameBits(first, bits(res.collect()), w + "second evaluation");
    // a fresh scan: new guesses, the same carries
    assertSameBits(first, bits(Scans.scanChunks(rdd, width, ScanOptions.defaults())
        .collect()), w + "rerun");
    // first attempts fail after their first chunk was settled and emitted; the retries settle
    // the partly settled states again
    Set<Integer> fail = Set.of(0, 2, 3);
    THROWN.set(0);
    JavaRDD<ChunkResult> again = Scans.scanChunks(rdd, width, ScanOptions.defaults());
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
    assertTrue(THROWN.get() >= 3, w + "failures injected: " + THROWN.get());
    assertSameBits(first, bits(retried), w + "retried tasks");
    rdd.unpersist(true);
  }

  @Test
  void releaseStatesFreesThemAndLeavesTheResultUsable() {
    List<Chunk> in = chunks(3, 2000, 1, true, 41);
    JavaRDD<Chunk> rdd = jsc.parallelize(in, 3);
    jsc.sc().conf().set(LongscanConf.KEEP_STATES, "true");
    Set<Integer> before = keptStates();
    JavaRDD<ChunkResult> res = Scans.scanChunks(rdd, 1, ScanOptions.defaults());
    List<long[]> first = bits(res.collect());
    assertFalse(before.containsAll(keptStates()), "the states are kept");
    assertTrue(Scans.releaseStates(res));
    assertTrue(before.containsAll(keptStates()), "states left after the release: " + keptStates());
    assertFalse(Scans.releaseStates(res), "released twice");
    assertSameBits(first, bits(res.collect()), "evaluated after the release");
    assertTrue(before.containsAll(keptStates()), "the evaluation kept states again");
    jsc.sc().conf().set(LongscanConf.KEEP_STATES, "false");
    assertFalse(Scans.releaseStates(Scans.scanChunks(rdd, 1, ScanOptions.defaults())),
        "nothing kept without keepStates");
    assertThrows(dev.longscan.ParameterException.class, () -> Scans.releaseStates(null));
  }

  /** Ids of the persisted RDDs that hold kept states. */
  private static Set<Integer> keptStates() {
    Set<Integer> ids = new java.util.HashSet<>();
    jsc.getPersistentRDDs().forEach((id, r) -> {
      if (Scans.KEPT_STATES.equals(r.name())) {
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
  /** The ChunkScan of scanChunks for one channel, forward, on the CPU. */
  private static ChunkScan cpuScan() {
    return cpuScan(ScanOptions.defaults());
  }

  /** The ChunkScan of scanChunks for one channel on the CPU, in the options' direction. */
  private static ChunkScan cpuScan(ScanOptions o) {
    LongscanConf.Settings st = new LongscanConf.Settings(
        k -> k.equals(LongscanConf.BACKEND) ? "cpu" : null);
    return new ChunkScan(new Columns.Keys(ChunkScan.CHUNK_KEYS, new String[] {"series"}),
        new Columns.Time(ChunkScan.CHUNK_KEYS, "ordinal"), 1, o.direction(),
        null, dev.longscan.NonFinitePolicy.PROPAGATE, st.backends(true), null, null, null);
  }

  /** Phase 3 by hand over the given chunks of one series, from the given kept states. */
  private static List<ChunkResult> phase3(List<Chunk> chunks, LocalStates kept,
      double[] carries) {
    PartitionPlan plan = new PartitionPlan();
    plan.carries = carries;
    plan.blocks = chunks.size();
    List<ChunkResult> out = new ArrayList<>();
    cpuScan().settleChunks(0, chunks.iterator(), plan, kept).forEachRemaining(out::add);
    return out;
  }

  /** Contractive chunks of one series, 300 to 900 steps (all kept), or 2000 to 3000 (long). */
  private static List<Chunk> contractive(int count, long seed, boolean longer) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Chunk> out = new ArrayList<>();
    for (int j = 0; j < count; j++) {
      int n = longer ? 2000 + r.nextInt(1000) : 300 + r.nextInt(600);
      float[] a = new float[n];
      float[] b = new float[n];
      for (int i = 0; i < n; i++) {
        a[i] = (float) (0.3 + 0.6 * r.nextDouble());
        b[i] = (float) (2 * r.nextDouble() - 1);
      }
      out.add(Chunk.of(0, j, 1, a, b));
    }
    return out;
  }

  private static List<long[]> expected(List<Chunk> chunks, double[] carries) {
    return expected(chunks, carries, ScanOptions.defaults());
  }

  private static List<long[]> expected(List<Chunk> chunks, double[] carries, ScanOptions o) {
    List<long[]> expected = new ArrayList<>();
    for (int j = 0; j < chunks.size(); j++) {
      Chunk c = chunks.get(j);
      Sequence ref = Sequence.allocate(Precision.FLOAT32, c.steps(), 1);
      Backends.singleThread().apply(c.a(), c.b(), new double[] {carries[j]}, o, ref);
      expected.add(bits(List.of(ChunkResult.of(0, j, ref))).get(0));
    }
    return expected;
  }

  @Test
  void statesGuessedByAnotherBackendAreRescannedNotSettled() {
    double[] carries = {0.25, -0.5};
    List<Chunk> two = contractive(2, 17, true);
    List<long[]> expected = expected(two, carries);
    // this backend's own guesses are settled
    LocalStates own = cpuScan().guessChunks(0, two.iterator());
    assertSameBits(expected, bits(phase3(two, own, carries)), "own states");
    // a foreign guess that agrees with the result early on and not later: settling it would
    // stop at the first agreement and keep the rest; phase 3 must rescan instead
    LocalStates foreign = cpuScan().guessChunks(0, two.iterator());
    foreign.guessedBy = "another backend";
    for (int j = 0; j < 2; j++) {
      float[] g = (float[]) foreign.states[j];
      for (int i = 0; i < g.length; i++) {
        g[i] = i < 64 ? Float.intBitsToFloat((int) expected.get(j)[i]) : 7f;
      }
    }
    assertSameBits(expected, bits(phase3(two, foreign, carries)), "foreign states");
    LocalStates other = cpuScan().guessChunks(0, two.iterator());
    other.partition = 1;
    assertThrows(IllegalStateException.class, () -> phase3(two, other, carries));
  }

  /** Iterates the chunks, counting how many were read. */
  private static Iterator<Chunk> counting(List<Chunk> chunks, AtomicInteger reads) {
    Iterator<Chunk> it = chunks.iterator();
    return new Iterator<Chunk>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Chunk next() {
        reads.incrementAndGet();
        return it.next();
      }
    };
  }

  /**
   * The chunks with chunk 2 made a running sum (a = 1: the carry's trace never vanishes) and an
   * empty chunk 5 appended.
   */
  private static List<Chunk> withRunningSum(List<Chunk> chunks) {
    List<Chunk> in = new ArrayList<>(chunks);
    Chunk c2 = in.get(2);
    float[] ones = new float[c2.steps()];
    java.util.Arrays.fill(ones, 1f);
    in.set(2, Chunk.of(0, 2, 1, ones, c2.b().floatArray()));
    in.add(Chunk.of(0, 5, 1, new float[0], new float[0]));
    return in;
  }

  @Test
  void phaseThreeReadsOnlyTheChunksItsKeptStepsCannotSettle() {
    for (ScanOptions o : new ScanOptions[] {ScanOptions.defaults(), ScanOptions.reverse()}) {
      String dir = o.direction().toString();
      // chunk 2's settle runs past the 1024 kept first steps; the empty chunk needs no reading
      List<Chunk> in = withRunningSum(contractive(5, 23, true));
      double[] carries = {0.5, 1.5, -2, 0.25, 3, 7};
      List<long[]> expected = expected(in, carries, o);
      LocalStates kept = cpuScan(o).guessChunks(0, in.iterator());
      PartitionPlan plan = new PartitionPlan();
      plan.carries = carries;
      plan.blocks = in.size();
      AtomicInteger reads = new AtomicInteger();
      List<ChunkResult> out = new ArrayList<>();
      cpuScan(o).settleChunks(0, counting(in, reads), plan, kept).forEachRemaining(out::add);
      assertSameBits(expected, bits(out), dir + " settled");
      assertEquals(3, reads.get(), dir + ": chunks read: up to the running sum (chunk 2)");
      // settled states stop the first steps' settle after one stretch: a second evaluation
      // reads nothing, not even the running sum
      reads.set(0);
      out.clear();
      cpuScan(o).settleChunks(0, counting(in, reads), plan, kept).forEachRemaining(out::add);
      assertSameBits(expected, bits(out), dir + " second evaluation");
      assertEquals(0, reads.get(), dir + ": chunks read by the second evaluation");
      // input that changed between the phases is caught where it is read
      LocalStates again = cpuScan(o).guessChunks(0, in.iterator());
      List<Chunk> changed = new ArrayList<>(in);
      changed.set(1, Chunk.of(0, 9, 1, in.get(1).a().floatArray(), in.get(1).b().floatArray()));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
        List<ChunkResult> sink = new ArrayList<>();
        cpuScan(o).settleChunks(0, changed.iterator(), plan, again).forEachRemaining(sink::add);
      });
      assertTrue(e.getMessage().contains("deterministic"), e.getMessage());
    }
  }

  /** Contractive chunk i of series 0, from its own seed. */
  private static Chunk numbered(int i) {
    Chunk c = contractive(1, 100 + i, i % 2 == 0).get(0);
    return Chunk.of(0, i, 1, c.a().floatArray(), c.b().floatArray());
  }

  @Test
  void anUncachedInputIsNotRecomputedForContractiveChunks() {
    org.apache.spark.util.LongAccumulator made = jsc.sc().longAccumulator("chunks made");
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      ids.add(i);
    }
    JavaRDD<Chunk> in = jsc.parallelize(ids, 4).map(i -> {
      made.add(1);
      return numbered(i);
    });
    jsc.sc().conf().set(LongscanConf.KEEP_STATES, "true");
    JavaRDD<ChunkResult> res = Scans.scanChunks(in, 1, ScanOptions.defaults());
    assertEquals(12, made.value(), "phase 1 makes every chunk once");
    List<ChunkResult> out = res.collect();
    assertEquals(12, made.value(), "phase 3 made chunks again");
    List<Chunk> all = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      all.add(numbered(i));
    }
    List<double[]> ref = reference(all, 1, ScanOptions.defaults());
    for (int i = 0; i < 12; i++) {
      TestData.assertClose(Sequence.of(ref.get(i), 1), out.get(i).h(), 2e-4, "chunk " + i);
    }
  }

  @Test
  void aGpuThatDeclinesToGuessKeepsItsScanFromZeroAndReadsTheInputOnce() {
    System.setProperty("longscan.fakegpu.devices", "2");
    try {
      jsc.sc().conf().set(LongscanConf.BACKEND, "gpu");
      jsc.sc().conf().set(LongscanConf.GPU_BACKEND, "fakegpu");
      for (ScanOptions o : new ScanOptions[] {ScanOptions.defaults(), ScanOptions.reverse()}) {
        List<Chunk> in = chunks(3, 400, 1, false, 29);
        List<double[]> ref = reference(in, 1, o);
        long nonEmpty = in.stream().filter(c -> c.steps() > 0).count();
        long before = fakeGpuCalls();
        jsc.sc().conf().set(LongscanConf.KEEP_STATES, "true");
        JavaRDD<ChunkResult> res = Scans.scanChunks(jsc.parallelize(in, 4), 1, o);
        List<ChunkResult> out = res.collect();
        // one call per chunk, in phase 1 (its scan from zero); phase 3 adds the carries on the CPU
        assertEquals(nonEmpty, fakeGpuCalls() - before, o.direction() + ": stand-in GPU calls");
        for (int i = 0; i < in.size(); i++) {
          TestData.assertClose(Sequence.of(ref.get(i), 1), out.get(i).h(), 1e-11,
              o.direction() + ", chunk " + i);
        }
        assertSameBits(bits(out), bits(res.collect()), o.direction() + ": second evaluation");
        assertEquals(nonEmpty, fakeGpuCalls() - before, "calls after the second evaluation");
      }
    } finally {
      System.clearProperty("longscan.fakegpu.devices");
      jsc.sc().conf().remove(LongscanConf.BACKEND);
      jsc.sc().conf().remove(LongscanConf.GPU_BACKEND);
    }
  }

  private static long fakeGpuCalls() {
    return FakeGpuProvider.CALLS.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** The ChunkScan of scanChunks for one channel on the stand-in GPU (which does not guess). */
  private static ChunkScan fakeGpuScan(ScanOptions o) {
    LongscanConf.Settings st = new LongscanConf.Settings(k -> k.equals(LongscanConf.BACKEND)
        ? "gpu:0" : k.equals(LongscanConf.GPU_BACKEND) ? "fakegpu" : null);
    return new ChunkScan(new Columns.Keys(ChunkScan.CHUNK_KEYS, new String[] {"series"}),
        new Columns.Time(ChunkScan.CHUNK_KEYS, "ordinal"), 1, o.direction(),
        null, dev.longscan.NonFinitePolicy.PROPAGATE, st.backends(true), null, null, null);
  }

  /** As {@link #counting}, and throws when it reaches chunk {@code failAt}. */
  private static Iterator<Chunk> failing(List<Chunk> chunks, int failAt) {
    Iterator<Chunk> it = chunks.iterator();
    return new Iterator<Chunk>() {
      int read;

      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Chunk next() {
        if (read++ == failAt) {
          throw new IllegalStateException("injected read failure");
        }
        return it.next();
      }
    };
  }

  @Test
  void propagatedStatesReadOnlyTheChunksTheirKeptStepsCannotFinishAndRunOnce() {
    System.setProperty("longscan.fakegpu.devices", "1");
    try {
      for (ScanOptions o : new ScanOptions[] {ScanOptions.defaults(), ScanOptions.reverse()}) {
        String dir = o.direction().toString();
        List<Chunk> base = new ArrayList<>(contractive(5, 31, true));
        // chunk 0 has multipliers in [0.5, 0.999): their product never rounds to zero in float32
        // (at the least subnormal, x·a rounds back to it), yet the carry's trace falls below
        // the states' rounding within the kept first steps
        Chunk c0 = base.get(0);
        float[] slow = new float[c0.steps()];
        SplittableRandom rs = new SplittableRandom(5);
        for (int i = 0; i < slow.length; i++) {
          slow[i] = (float) (0.5 + 0.499 * rs.nextDouble());
        }
        base.set(0, Chunk.of(0, 0, 1, slow, c0.b().floatArray()));
        List<Chunk> in = withRunningSum(base);
        double[] carries = {0.5, 1.5, -2, 0.25, 3, 7};
        PartitionPlan plan = new PartitionPlan();
        plan.carries = carries;
        plan.blocks = in.size();
        // the fp64 reference of each chunk from its carry
        List<double[]> ref = new ArrayList<>();
        for (int j = 0; j < in.size(); j++) {
          Chunk c = in.get(j);
          Sequence r = Sequence.allocate(Precision.FLOAT64, c.steps(), 1);
          Backends.reference().apply(Sequence.of(c.a().toDoubleArray()),
              Sequence.of(c.b().toDoubleArray()), new double[] {carries[j]}, o, r);
          ref.add(r.doubleArray());
        }
        LocalStates kept = fakeGpuScan(o).guessChunks(0, in.iterator());
        for (int j = 0; j < 5; j++) {
          assertTrue(kept.propagated[j], dir + ": chunk " + j + " kept for propagation");
        }
        // a read that fails (the running sum's) leaves the states as they were
        List<ChunkResult> sink = new ArrayList<>();
        assertThrows(IllegalStateException.class, () -> fakeGpuScan(o)
            .settleChunks(0, failing(in, 2), plan, kept).forEachRemaining(sink::add));
        AtomicInteger reads = new AtomicInteger();
        List<ChunkResult> out = new ArrayList<>();
        fakeGpuScan(o).settleChunks(0, counting(in, reads), plan, kept)
            .forEachRemaining(out::add);
        assertEquals(3, reads.get(), dir + ": chunks read: up to the running sum (chunk 2)");
        for (int j = 0; j < in.size(); j++) {
          TestData.assertClose(Sequence.of(ref.get(j), 1), out.get(j).h(), 2e-4,
              dir + ", chunk " + j);
        }
        // the same bits from fresh states, and from a second evaluation, which reads nothing
        LocalStates fresh = fakeGpuScan(o).guessChunks(0, in.iterator());
        List<ChunkResult> clean = new ArrayList<>();
        fakeGpuScan(o).settleChunks(0, in.iterator(), plan, fresh).forEachRemaining(clean::add);
        assertSameBits(bits(clean), bits(out), dir + ": after a failed read");
        reads.set(0);
        out.clear();
        fakeGpuScan(o).settleChunks(0, counting(in, reads), plan, kept)
            .forEachRemaining(out::add);
        assertSameBits(bits(clean), bits(out), dir + ": second evaluation");
        assertEquals(0, reads.get(), dir + ": chunks read by the second evaluation");
      }
    } finally {
      System.clearProperty("longscan.fakegpu.devices");
    }
  }

  private static float[] filled(int n, float v) {
    float[] x = new float[n];
    java.util.Arrays.fill(x, v);
    return x;
  }

  @Test
  void chunksWhoseStatesFromZeroAreNotFiniteOrWhoseProductOverflowsAreRescanned() {
    System.setProperty("longscan.fakegpu.devices", "1");
    try {
      float inf = Float.POSITIVE_INFINITY;
      List<Chunk> in = List.of(
          // fine: propagated
          Chunk.of(0, 0, 1, new float[] {0.5f, 0.5f, 0.5f}, new float[] {1, 2, 3}),
          // an infinite first multiplier
          Chunk.of(0, 1, 1, new float[] {inf, 0f, 0.5f}, new float[] {1, 2, 3}),
          // an infinite multiplier later: the last state from zero is not finite
          Chunk.of(0, 2, 1, new float[] {0.5f, inf, 0.5f}, new float[] {1, 2, 3}),
          // states from zero that overflow, which a negative carry would have kept finite
          Chunk.of(0, 3, 1, new float[] {1, 1, 1, 1}, new float[] {3e38f, 3e38f, -3e38f, 1}),
          // a product that overflows (even in float64) after states from zero of 0
          Chunk.of(0, 4, 1, filled(10, 3e38f), new float[10]));
      double[] carries = {1, 2, -3, -3e38, 1};
      PartitionPlan plan = new PartitionPlan();
      plan.carries = carries;
      plan.blocks = in.size();
      LocalStates kept = fakeGpuScan(ScanOptions.defaults()).guessChunks(0, in.iterator());
      assertTrue(kept.propagated[0]);
      for (int j = 1; j < in.size(); j++) {
        assertFalse(kept.propagated[j], "chunk " + j + " propagated");
        assertEquals(null, kept.states[j], "chunk " + j + " kept");
      }
      List<ChunkResult> out = new ArrayList<>();
      fakeGpuScan(ScanOptions.defaults()).settleChunks(0, in.iterator(), plan, kept)
          .forEachRemaining(out::add);
      // chunk 0 propagated, the others rescanned by the backend (the stand-in's sequential one)
      TestData.assertClose(Sequence.of(new double[] {1.5, 2.75, 4.375}), out.get(0).h(), 1e-7,
          "propagated chunk");
      for (int j = 1; j < in.size(); j++) {
        Chunk c = in.get(j);
        Sequence h = Sequence.allocate(Precision.FLOAT32, c.steps(), 1);
        Backends.sequential().apply(c.a(), c.b(), new double[] {carries[j]},
            ScanOptions.defaults(), h);
        assertSameBits(bits(List.of(ChunkResult.of(0, j, h))), bits(out.subList(j, j + 1)),
            "rescanned chunk " + j);
      }
      assertTrue(Float.isFinite(out.get(3).h().floatArray()[1]), "overflowed from zero only");
    } finally {
      System.clearProperty("longscan.fakegpu.devices");
    }
  }
}
