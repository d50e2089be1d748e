package dev.longscan.examples;

import dev.longscan.Backends;
import dev.longscan.ParameterException;
import dev.longscan.Precision;
import dev.longscan.ScanOptions;
import dev.longscan.Sequence;
import dev.longscan.spark.Chunk;
import dev.longscan.spark.ChunkResult;
import dev.longscan.spark.LongscanConf;
import dev.longscan.spark.ScanResult;
import dev.longscan.spark.Scans;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import scala.Tuple2;

/**
 * A spark-submit job: one very long series, scanned as chunks (the RDD entry point or the
 * chunked DataFrame format), checked chunk by chunk against the reference.
 * <pre>
 * spark-submit --class dev.longscan.examples.LongSeriesJob \
 *   longscan-examples-VERSION-spark-job.jar --steps 1073741824 --chunk-steps 1048576
 * </pre>
 */
@Command(name = "long-series", mixinStandardHelpOptions = true,
    description = {
        "spark-submit job: one very long series h_t = a_t * h_(t-1) + b_t in chunks of"
            + " --chunk-steps steps generated on the executors, scanned by the cluster (chunk"
            + " summaries on the executors, GPU if present; carries on the driver), and checked:"
            + " the first chunk from h0 and sampled chunks from the previous chunk's last state,"
            + " against the sequential float64 reference."})
public final class LongSeriesJob implements Callable<Integer> {

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--steps", defaultValue = "67108864",
      description = "Length of the series (default: ${DEFAULT-VALUE}).")
  long steps;

  @Option(names = "--chunk-steps", defaultValue = "1048576",
      description = "Steps per chunk (default: ${DEFAULT-VALUE}).")
  int chunkSteps;

  @Option(names = "--partitions", defaultValue = "0",
      description = "Partitions (default: Spark's default parallelism).")
  int partitions;

  @Option(names = "--precision", defaultValue = "float32",
      description = "float32 or float64 (default: ${DEFAULT-VALUE}).")
  String precision;

  @Option(names = "--api", defaultValue = "rdd",
      description = "rdd (Scans.scanChunks) or dataframe (Scans.chunks) (default:"
          + " ${DEFAULT-VALUE}).")
  String api;

  @Option(names = "--check-chunks", defaultValue = "4",
      description = "Chunks checked besides the first (default: ${DEFAULT-VALUE}).")
  int checkChunks;

  @Option(names = "--master", defaultValue = "local[*]",
      description = "Master when not run by spark-submit (default: ${DEFAULT-VALUE}).")
  String master;

  @Option(names = "--backend", defaultValue = "auto",
      description = "spark.longscan.backend (default: ${DEFAULT-VALUE}).")
  String backend;

  @Option(names = "--seed", defaultValue = "5", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--cache",
      description = "Generate the chunks once and keep them in executor memory (timed apart), so"
          + " that the phase timings are of the scan alone; without it each phase generates"
          + " them again.")
  boolean cache;

  @Option(names = "--warmup",
      description = "Before the timed run, scan one chunk per task slot (untimed): starts the"
          + " executors' backends (GPU contexts, JIT) so that the timings are of steady work.")
  boolean warmup;

  @Option(names = "--profile",
      description = "Also time a pass that only generates the chunks, and print, stage by stage,"
          + " Spark's task metrics (task time, CPU, GC, busy slots).")
  boolean profile;

  public static void main(String[] args) {
    int rc = Main.configure(new CommandLine(new LongSeriesJob())).execute(args);
    if (rc != 0) {
      System.exit(rc);
    }
  }

  /** Chunk k's coefficients, the same wherever they are computed. */
  static Chunk chunk(long k, long steps, int chunkSteps, boolean f32, long seed) {
    int n = (int) Math.min(chunkSteps, steps - k * chunkSteps);
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + k);
    if (f32) {
      float[] a = new float[n];
      float[] b = new float[n];
      for (int i = 0; i < n; i++) {
        a[i] = (float) (0.5 + 0.4999 * r.nextDouble());
        b[i] = (float) (2 * r.nextDouble() - 1);
      }
      return Chunk.of(k, a, b);
    }
    double[] a = new double[n];
    double[] b = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = 0.5 + 0.4999 * r.nextDouble();
      b[i] = 2 * r.nextDouble() - 1;
    }
    return Chunk.of(k, a, b);
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (steps < 1 || chunkSteps < 1) {
      throw new ParameterException("expected --steps >= 1 and --chunk-steps >= 1, found " + steps
          + " and " + chunkSteps);
    }
    // checked before any Spark work, so a typo does not cost a generated (or cached) series
    if (!api.equals("rdd") && !api.equals("dataframe")) {
      throw new ParameterException("expected --api rdd or dataframe, found '" + api + "'");
    }
    if (partitions < 0 || checkChunks < 0) {
      throw new ParameterException("expected --partitions >= 0 (0: Spark's default) and"
          + " --check-chunks >= 0, found " + partitions + " and " + checkChunks);
    }
    boolean f32 = ScanCommand.parsePrecision(precision) == Precision.FLOAT32;
    long chunks = (steps + chunkSteps - 1) / chunkSteps;
    if (chunks > Integer.MAX_VALUE - 8) {
      throw new UserError("expected at most " + (Integer.MAX_VALUE - 8) + " chunks (--steps /"
          + " --chunk-steps), found " + chunks + ": raise --chunk-steps");
    }
    Sessions.check(master, backend);
    Progress progress = new Progress(spec.commandLine().getErr(), "long-series");
    progress.step("starting Spark (master " + master + ")");
    SparkSession spark;
    try {
      spark = Sessions.start("longscan long series", master, backend);
    } catch (RuntimeException e) {
      progress.close();
      throw e;
    }
    try {
      progress.watch(spark.sparkContext());
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      int slots = Sessions.awaitExecutors(spark);
      int parts = partitions > 0 ? partitions : slots;
      StageTimes stages = profile ? StageTimes.attach(spark.sparkContext()) : null;
      List<Long> ids = new ArrayList<>();
      LongStream.range(0, chunks).forEach(ids::add);
      long n = steps;
      int cs = chunkSteps;
      long sd = seed;
      JavaRDD<Chunk> input = jsc.parallelize(ids, parts).map(k -> chunk(k, n, cs, f32, sd));
      long tg = System.nanoTime();
      if (cache) {
        progress.step(String.format(Locale.ROOT, "generating and caching %,d chunks", chunks));
        input = input.persist(org.apache.spark.storage.StorageLevel.MEMORY_ONLY());
        input.count();
      }
      long genNanos = System.nanoTime() - tg;
      if (warmup) {
        progress.step("warming up the executors' backends");
        List<Long> few = new ArrayList<>();
        LongStream.range(0, Math.min(chunks, slots)).forEach(few::add);
        long tw = System.nanoTime();
        long c = Scans.scanChunks(jsc.parallelize(few, slots)
            .map(k -> chunk(k, n, cs, f32, sd)), 1, ScanOptions.defaults()).count();
        out.printf(Locale.ROOT, "warm-up (%d chunks, one per task slot, untimed): %s%n", c,
            Checks.seconds(System.nanoTime() - tw).trim());
        printStages(out, stages, slots);
      }
      if (profile && !cache) {
        progress.step("timing the generation alone");
        long tp = System.nanoTime();
        long total = input.map(c -> (long) c.steps()).reduce(Long::sum);
        long gen = System.nanoTime() - tp;
        out.printf(Locale.ROOT, "generation alone (%,d steps, not part of the total): %s = %s%n",
            total, Checks.seconds(gen).trim(), Checks.rate(total, gen, "steps"));
        printStages(out, stages, slots);
      }

      TreeSet<Long> check = new TreeSet<>();
      check.add(0L);
      SplittableRandom r = new SplittableRandom(seed);
      for (int i = 0; i < checkChunks && chunks > 1; i++) {
        long k = 1 + r.nextLong(chunks - 1);
        check.add(k);
        check.add(k - 1);
      }
      Map<Long, double[]> got = new HashMap<>();
      progress.step(String.format(Locale.ROOT, "scanning %,d steps in %,d chunks (api %s)",
          steps, chunks, api));
      long checksum;
      String phases = "";
      long t0 = System.nanoTime();
      long t1;
      String used;
      if (api.equals("rdd")) {
        JavaRDD<ChunkResult> res = Scans.scanChunks(input, 1, ScanOptions.defaults());
        t1 = System.nanoTime();
        // one pass over the results: every chunk's checksum, and the sampled chunks' states
        List<Tuple2<Long, Tuple2<Long, double[]>>> sums = res.map(c -> new Tuple2<>(
            c.ordinal(), new Tuple2<>(checksum(c.ordinal(), c.h()),
                check.contains(c.ordinal()) ? c.h().toDoubleArray() : null))).collect();
        checksum = combine(sums, got);
        used = "(see the executors' log)";
      } else { // dataframe (checked above)
        StructType schema = new StructType()
            .add("chunk", DataTypes.LongType, false)
            .add("a", DataTypes.createArrayType(f32 ? DataTypes.FloatType : DataTypes.DoubleType,
                false), false)
            .add("b", DataTypes.createArrayType(f32 ? DataTypes.FloatType : DataTypes.DoubleType,
                false), false);
        Dataset<Row> df = spark.createDataFrame(input.map(c -> RowFactory.create(c.ordinal(),
            f32 ? c.a().floatArray() : c.a().doubleArray(),
            f32 ? c.b().floatArray() : c.b().doubleArray())), schema);
        ScanResult res = Scans.chunks("a", "b").orderBy("chunk").presorted().run(df);
        t1 = System.nanoTime();
        // one pass over the results: every chunk's checksum, and the sampled chunks' states
        List<Tuple2<Long, Tuple2<Long, double[]>>> sums = res.dataset().select("chunk", "h")
            .javaRDD().map(row -> {
              double[] h = values(row.getList(1));
              long k = row.getLong(0);
              return new Tuple2<>(k, new Tuple2<>(checksum(k, Sequence.of(h)),
                  check.contains(k) ? h : null));
            }).collect();
        checksum = combine(sums, got);
        used = String.join(", ", res.backendsUsed());
        phases = String.format(Locale.ROOT, "; of which phase 1 %s, phase 2 (carries on the"
            + " driver) %s", Checks.seconds(res.phase1Nanos()).trim(),
            Checks.seconds(res.phase2Nanos()).trim());
      }
      long t2 = System.nanoTime();
      out.printf(Locale.ROOT, "%,d steps in %,d chunks of %,d (%s), %d partitions, api %s%n",
          steps, chunks, chunkSteps, f32 ? "float32" : "float64", parts, api);
      if (cache) {
        out.printf("generated and cached in executor memory: %s%n",
            Checks.seconds(genNanos).trim());
      }
      String gen = cache ? "" : "generate, ";
      // the RDD entry point keeps its scans from a zero state by default: phase 3 corrects them
      // (settles a CPU guess, propagates the carry into a GPU's) and generates a chunk again only
      // where the kept first steps do not finish that
      boolean kept = api.equals("rdd") && Boolean.parseBoolean(
          jsc.getConf().get(LongscanConf.KEEP_STATES, "true").trim());
      out.printf(Locale.ROOT, "phases 1+2 (%s%s, carries): %s%s; phase 3 (%s, checksum): %s;"
          + " total %s = %s%n", gen, kept ? "scan from zero and keep" : "summarise",
          Checks.seconds(t1 - t0).trim(), phases, kept ? "correct from the carry" : gen + "rescan",
          Checks.seconds(t2 - t1).trim(), Checks.seconds(t2 - t0).trim(),
          Checks.rate(steps, t2 - t0, "steps"));
      out.printf(Locale.ROOT, "checksum of every output bit: %016x%n", checksum);
      printStages(out, stages, slots);
      out.printf("tasks ran on: %s%n", used);

      progress.step("checking chunks " + check + " against the sequential reference");
      double worst = 0;
      for (long k : check) {
        if (k > 0 && !check.contains(k - 1)) {
          continue;
        }
        Chunk c = chunk(k, steps, chunkSteps, f32, seed);
        double[] carry = {k == 0 ? 0.0 : last(got.get(k - 1))};
        Sequence ref = Sequence.allocate(Precision.FLOAT64, c.steps(), 1);
        Backends.reference().apply(Sequence.of(c.a().toDoubleArray()),
            Sequence.of(c.b().toDoubleArray()), carry, ScanOptions.defaults(), ref);
        worst = Math.max(worst, Checks.maxRelError(got.get(k), ref.doubleArray()));
      }
      double tol = f32 ? 1e-4 : 1e-10;
      out.printf(Locale.ROOT, "check: chunks %s, each from the state the scan left before it,"
          + " against the float64 reference: max relative error %.2e (tolerance %.0e) %s%n",
          check, worst, tol, worst <= tol ? "OK" : "FAILED");
      out.flush();
      if (!(worst <= tol)) {
        throw new Checks.Failed("chunks differ from the reference by " + worst);
      }
      return 0;
    } finally {
      progress.step("stopping Spark");
      progress.done();
      progress.close();
      spark.stop();
    }
  }

  static void printStages(PrintWriter out, StageTimes stages, int slots) {
    if (stages != null) {
      for (String line : stages.drain(slots)) {
        out.println(line);
      }
      out.flush();
    }
  }

  /** The sum of the chunks' checksums; the sampled chunks' states go into got. */
  private static long combine(List<Tuple2<Long, Tuple2<Long, double[]>>> sums,
      Map<Long, double[]> got) {
    long sum = 0;
    for (Tuple2<Long, Tuple2<Long, double[]>> t : sums) {
      sum += t._2()._1();
      if (t._2()._2() != null) {
        got.put(t._1(), t._2()._2());
      }
    }
    return sum;
  }

  /** Order-independent across chunks (summed), order-dependent within one: a bitwise fingerprint. */
  static long checksum(long ordinal, Sequence h) {
    long x = ordinal * 0x9E3779B97F4A7C15L;
    int from = h.offset();
    int to = from + h.size();
    if (h.precision() == Precision.FLOAT32) {
      float[] v = h.floatArray();
      for (int i = from; i < to; i++) {
        x = mix(x, v[i]);
      }
    } else {
      double[] v = h.doubleArray();
      for (int i = from; i < to; i++) {
        x = mix(x, v[i]);
      }
    }
    return x;
  }

  private static long mix(long x, double v) {
    long y = (x ^ Double.doubleToRawLongBits(v)) * 0xBF58476D1CE4E5B9L;
    return y ^ (y >>> 31);
  }

  private static double[] values(List<Object> list) {
    double[] v = new double[list.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = ((Number) list.get(i)).doubleValue();
    }
    return v;
  }

  private static double last(double[] h) {
    return h[h.length - 1];
  }
}
