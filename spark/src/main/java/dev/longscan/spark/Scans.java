package dev.longscan.spark;

import dev.longscan.Direction;
import dev.longscan.ParameterException;
import dev.longscan.ScanOptions;
import dev.longscan.filter.FilterSteps;
import java.time.Duration;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * Entry points of the distributed scan. DataFrame transforms in long format (one row per step):
 * <pre>{@code
 * Dataset<Row> out = ticks.transform(
 *     Scans.emaHalfLife("price", Duration.ofMinutes(5)).key("symbol").orderBy("ts"));
 * }</pre>
 * in the chunked format (one row per chunk of steps, arrays of coefficients):
 * <pre>{@code
 * Dataset<Row> out = chunks.transform(Scans.chunks("a", "b").orderBy("chunk"));
 * }</pre>
 * and on RDDs of {@link Chunk}s ({@link #scanChunks}). Default output column names are given per
 * method. The EMA family follows {@link dev.longscan.Filters}: y = x at the first row of each
 * series.
 */
public final class Scans {
  private Scans() {}

  /** h_t = a_t h_{t−1} + b_t with the coefficients in two numeric columns; output "h". */
  public static ScanTransform affine(String aColumn, String bColumn) {
    return new ScanTransform(ScanTransform.Kind.AFFINE, names(aColumn, bColumn), 0, 0, null, "h",
        Direction.FORWARD);
  }

  /**
   * Exponential moving average with a constant alpha in (0, 1]: y_0 = x_0, y_t = (1 − α) y_{t−1}
   * + α x_t; output "ema".
   */
  public static ScanTransform ema(String valueColumn, double alpha) {
    checkAlpha(alpha);
    return new ScanTransform(ScanTransform.Kind.EMA, names(valueColumn), alpha, 0, null, "ema",
        Direction.FORWARD);
  }

  /**
   * EMA over irregular time stamps: a_t = exp(−ln 2 · Δt / halfLife), y_0 = x_0, y_t = a_t
   * y_{t−1} + (1 − a_t) x_t. {@code halfLife} is in the order column's units: seconds for a
   * timestamp column, days for a date column, the column's own units for numbers. Output "ema".
   */
  public static ScanTransform emaHalfLife(String valueColumn, double halfLife) {
    checkHalfLife(halfLife);
    return new ScanTransform(ScanTransform.Kind.EMA_HALF_LIFE, names(valueColumn), 0, halfLife,
        null, "ema", Direction.FORWARD);
  }

  /** As {@link #emaHalfLife(String, double)} with the half-life as a duration (date/timestamp order). */
  public static ScanTransform emaHalfLife(String valueColumn, Duration halfLife) {
    return new ScanTransform(ScanTransform.Kind.EMA_HALF_LIFE, names(valueColumn), 0, Double.NaN,
        checkHalfLife(halfLife), "ema", Direction.FORWARD);
  }

  /**
   * The bias-corrected (adjusted) EMA, the weighted mean Σ w_i x_i / Σ w_i with weights decaying
   * by (1 − α) per row; output "ema".
   */
  public static ScanTransform adjustedEma(String valueColumn, double alpha) {
    checkAlpha(alpha);
    return new ScanTransform(ScanTransform.Kind.ADJUSTED_EMA, names(valueColumn), alpha,
        Double.NaN, null, "ema", Direction.FORWARD);
  }

  /** The adjusted EMA with weights that halve every {@code halfLife} (order column units). */
  public static ScanTransform adjustedEmaHalfLife(String valueColumn, double halfLife) {
    checkHalfLife(halfLife);
    return new ScanTransform(ScanTransform.Kind.ADJUSTED_EMA, names(valueColumn), Double.NaN,
        halfLife, null, "ema", Direction.FORWARD);
  }

  /** The adjusted EMA with a half-life given as a duration (date or timestamp order column). */
  public static ScanTransform adjustedEmaHalfLife(String valueColumn, Duration halfLife) {
    return new ScanTransform(ScanTransform.Kind.ADJUSTED_EMA, names(valueColumn), Double.NaN,
        Double.NaN, checkHalfLife(halfLife), "ema", Direction.FORWARD);
  }

  /** First-order IIR filter y_t = c x_t + d y_{t−1}, y = 0 before each series; output "iir". */
  public static ScanTransform iir(String valueColumn, double c, double d) {
    checkFinite(c, "c");
    checkFinite(d, "d");
    return new ScanTransform(ScanTransform.Kind.IIR, names(valueColumn), c, d, null, "iir",
        Direction.FORWARD);
  }

  /**
   * Discounted sum G_t = r_t + γ G_{t+1} (reverse), G = 0 after the last row of each series;
   * output "discounted".
   */
  public static ScanTransform discountedSum(String rewardColumn, double gamma) {
    checkFinite(gamma, "gamma");
    return new ScanTransform(ScanTransform.Kind.DISCOUNT, names(rewardColumn), gamma, 0, null,
        "discounted", Direction.REVERSE);
  }

  /** Discounted sum with a per-row discount: G_t = r_t + γ_t G_{t+1}; output "discounted". */
  public static ScanTransform discountedSum(String rewardColumn, String gammaColumn) {
    return new ScanTransform(ScanTransform.Kind.DISCOUNT, names(rewardColumn, gammaColumn), 0, 0,
        null, "discounted", Direction.REVERSE);
  }

  /** Cumulative sum within each series; output "cumsum". */
  public static ScanTransform cumsum(String valueColumn) {
    return new ScanTransform(ScanTransform.Kind.CUMSUM, names(valueColumn), 0, 0, null, "cumsum",
        Direction.FORWARD);
  }

  /** Cumulative product within each series; output "cumprod". */
  public static ScanTransform cumprod(String valueColumn) {
    return new ScanTransform(ScanTransform.Kind.CUMPROD, names(valueColumn), 0, 0, null,
        "cumprod", Direction.FORWARD);
  }

  /**
   * The chunked format: one row per chunk holding arrays (array&lt;float&gt; or
   * array&lt;double&gt;, one element type for both) of a chunk's coefficients, steps × width
   * values time-major; {@code orderBy} names the integral chunk-ordinal column. Output "h": an
   * array of the same type and length with the chunk's states. For series so long that one row
   * per step would cost more than the scan.
   */
  public static ScanTransform chunks(String aArrayColumn, String bArrayColumn) {
    return new ScanTransform(ScanTransform.Kind.CHUNKS, names(aArrayColumn, bArrayColumn), 0, 0,
        null, "h", Direction.FORWARD);
  }

  /** {@link #scanChunks(JavaRDD, int, ScanOptions)} with width 1 and default options. */
  public static JavaRDD<ChunkResult> scanChunks(JavaRDD<Chunk> chunks) {
    return scanChunks(chunks, 1, ScanOptions.defaults());
  }

  /**
   * The RDD entry point: scans the chunks, which must already be in order — partition by
   * partition, then within each partition — by (series, ordinal); that order is checked. Runs
   * phase 1 (a job over {@code chunks}) and phase 2 now; the returned RDD has one result per
   * chunk in the same partitions and order. With {@link LongscanConf#KEEP_STATES} (the default)
   * phase 1 also keeps each chunk's scan from a zero state where the task's backend can settle
   * it (the CPU), with a copy of its first steps, persisted {@code MEMORY_AND_DISK} until the
   * returned RDD is garbage collected on the driver; the returned RDD computes {@code chunks}
   * again only for chunks whose settle runs past those steps, or that were not guessed (a GPU),
   * and its results are the kept arrays, settled in place, so do not modify them;
   * {@link #releaseStates} frees the kept states when you are done. Without kept
   * states it computes {@code chunks} again (persist it if that is expensive). Each series starts
   * from {@code options.initialState()}; direction and the non-finite policy come from
   * {@code options} (segment starts are not allowed: use series). Settings come from the
   * SparkConf ({@link LongscanConf}).
   */
  public static JavaRDD<ChunkResult> scanChunks(JavaRDD<Chunk> chunks, int width,
      ScanOptions options) {
    if (chunks == null || options == null) {
      throw new ParameterException("expected chunks and options, found null");
    }
    if (width < 1) {
      throw new ParameterException("expected width >= 1, found " + width);
    }
    if (options.isSegmented()) {
      throw new ParameterException("expected options without segment starts (chunks of"
          + " different series carry different series ids), found segment starts");
    }
    double[] h0 = options.initialState();
    if (h0 != null && h0.length != width) {
      throw new ParameterException("expected an initial state of width " + width + ", found "
          + h0.length + " values");
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(chunks.context());
    SparkConf conf = jsc.getConf();
    LongscanConf.Settings st = new LongscanConf.Settings(k -> conf.get(k, null));
    Columns.Keys keys = new Columns.Keys(ChunkScan.CHUNK_KEYS, new String[] {"series"});
    Columns.Time ord = new Columns.Time(ChunkScan.CHUNK_KEYS, "ordinal");
    ExecutorBackends backends = st.backends(SparkInternals.isLocal(jsc.sc()));
    backends.checkOnDriver();
    ChunkScan scan = new ChunkScan(keys, ord, width, options.direction(),
        h0 == null ? null : h0.clone(), options.nonFinite(), backends, null, null, null);
    if (!st.keepStates) {
      List<PartitionReport> list = chunks
          .mapPartitionsWithIndex((i, it) -> ScanTransform.single(scan.summarizeChunks(i, it)),
              false)
          .collect();
      Broadcast<PartitionPlan[]> bc = jsc.broadcast(plan(scan, list, keys, ord, st));
      return chunks.mapPartitionsWithIndex(
          (i, it) -> scan.applyChunks(i, it, bc.value()[i]), true);
    }
    // phase 1 keeps each chunk's guess; it is released with the result (Spark's ContextCleaner
    // unpersists an RDD once nothing on the driver refers to it any more)
    JavaRDD<LocalStates> kept = chunks
        .mapPartitionsWithIndex((i, it) -> ScanTransform.single(scan.guessChunks(i, it)), true)
        .setName(KEPT_STATES)
        .persist(StorageLevel.MEMORY_AND_DISK());
    Broadcast<PartitionPlan[]> bc;
    try {
      bc = jsc.broadcast(plan(scan, kept.map(k -> k.report).collect(), keys, ord, st));
    } catch (RuntimeException e) {
      kept.unpersist(false);
      throw e;
    }
    return chunks.zipPartitions(kept, (it, ks) -> {
      LocalStates k = ks.next();
      return scan.settleChunks(k.partition, it, bc.value()[k.partition], k);
    });
  }

  /**
   * The RDD entry point for dense chunks: scans h_t = J_t h_{t−1} + b_t (reverse:
   * h_t = J_t h_{t+1} + b_t) over chunks of {@code batch} series of n-vectors, which must already
   * be in order — partition by partition, then within each partition — by (series, ordinal);
   * that order is checked, and so is every chunk's n and batch. Phase 1 (a job over
   * {@code chunks}) reduces each chunk to its summary on the executors (core's
   * {@link dev.longscan.DenseScan}), phase 2 composes the carries on the driver with the dense
   * algebra ({@link dev.longscan.algebra.DenseSummary#algebra}), in float64 for both precisions;
   * the returned RDD, in the same partitions and order, rescans each chunk from its carry (it
   * computes {@code chunks} again: persist it if that is expensive). Each series starts from
   * {@code options.initialState()} ([batch, n]; null: zeros); direction and the non-finite
   * policy come from {@code options} (segment starts are not allowed: use series). Each result's
   * states are [steps, batch, n], in the chunk's precision.
   */
  public static JavaRDD<ChunkResult> scanDenseChunks(JavaRDD<DenseChunk> chunks, int n,
      int batch, ScanOptions options) {
    if (chunks == null || options == null) {
      throw new ParameterException("expected chunks and options, found null");
    }
    if (n < 1 || n > dev.longscan.DenseScan.MAX_N || batch < 1) {
      throw new ParameterException("expected n in [1, " + dev.longscan.DenseScan.MAX_N
          + "] and batch >= 1, found n " + n + " and batch " + batch);
    }
    if (options.isSegmented()) {
      throw new ParameterException("expected options without segment starts (chunks of"
          + " different series carry different series ids), found segment starts");
    }
    double[] h0 = options.initialState();
    if (h0 != null && h0.length != batch * n) {
      throw new ParameterException("expected an initial state of batch·n = " + (batch * n)
          + " values, found " + h0.length + " values");
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(chunks.context());
    Columns.Keys keys = new Columns.Keys(ChunkScan.CHUNK_KEYS, new String[] {"series"});
    Columns.Time ord = new Columns.Time(ChunkScan.CHUNK_KEYS, "ordinal");
    DenseChunkScan scan = new DenseChunkScan(keys, ord, n, batch, options.direction(),
        h0 == null ? null : h0.clone(), options.nonFinite());
    List<PartitionReport> list = chunks
        .mapPartitionsWithIndex((i, it) -> ScanTransform.single(scan.summarize(i, it)), false)
        .collect();
    PartitionReport[] reps = list.toArray(new PartitionReport[0]);
    new Failures(reps, keys, ord, "chunk ordinal", "").check();
    PartitionPlan[] plans = CarryPlan.forChunks(reps, keys,
        scan.direction == Direction.REVERSE, scan.h0, CarryPlan.dense(batch, n), true);
    Broadcast<PartitionPlan[]> bc = jsc.broadcast(plans);
    return chunks.mapPartitionsWithIndex((i, it) -> scan.apply(i, it, bc.value()[i]), true);
  }

  /** The name of the RDD that holds the states phase 1 kept. */
  static final String KEPT_STATES = "longscan: chunk states from a zero state";

  /**
   * Releases the states that {@link #scanChunks} kept for {@code result} (with
   * {@link LongscanConf#KEEP_STATES}), instead of waiting for Spark to release them once
   * {@code result} is garbage collected on the driver. The result stays usable: evaluating it
   * again computes the chunks and the states anew. Cache the result first if it is to be used
   * again. Returns whether there were kept states to release.
   */
  public static boolean releaseStates(JavaRDD<ChunkResult> result) {
    if (result == null) {
      throw new ParameterException("expected a result of scanChunks, found null");
    }
    boolean released = false;
    // the kept states are a direct parent of the result (the chunks are the other one)
    scala.collection.Iterator<org.apache.spark.Dependency<?>> deps =
        result.rdd().dependencies().iterator();
    while (deps.hasNext()) {
      org.apache.spark.rdd.RDD<?> p = deps.next().rdd();
      if (KEPT_STATES.equals(p.name()) && p.getStorageLevel().isValid()) {
        p.unpersist(false);
        released = true;
      }
    }
    return released;
  }

  /** Phase 2 of the RDD entry point: the reports checked, the carries of every partition. */
  private static PartitionPlan[] plan(ChunkScan scan, List<PartitionReport> list,
      Columns.Keys keys, Columns.Time ord, LongscanConf.Settings st) {
    PartitionReport[] reps = list.toArray(new PartitionReport[0]);
    new Failures(reps, keys, ord, "chunk ordinal", "").check();
    return CarryPlan.forChunks(reps, keys, scan.direction == Direction.REVERSE, scan.h0,
        scan.width, st.fp64Carries);
  }

  // ------------------------------------------------------------------ checks

  private static String[] names(String... columns) {
    for (String c : columns) {
      if (c == null || c.isEmpty()) {
        throw new ParameterException("expected non-empty column names, found '" + c + "'");
      }
    }
    return columns.clone();
  }

  private static void checkAlpha(double alpha) {
    FilterSteps.checkAlpha(alpha);
  }

  private static void checkHalfLife(double halfLife) {
    FilterSteps.checkHalfLife(halfLife);
  }

  private static Duration checkHalfLife(Duration halfLife) {
    return FilterSteps.checkHalfLife(halfLife);
  }

  private static void checkFinite(double v, String name) {
    FilterSteps.checkFinite(v, name);
  }
}
