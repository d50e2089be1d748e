package dev.longscan.spark;

import dev.longscan.Direction;
import dev.longscan.NonFinitePolicy;
import dev.longscan.ParameterException;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.runtime.AbstractFunction1;

/**
 * A configured scan of a DataFrame, made by {@link Scans}: immutable, each {@code with}-style
 * method returns a changed copy. Use it as {@code df.transform(scan)} (Java and Scala) or
 * {@code scan.apply(df)}; {@link #run} also reports where the time went.
 *
 * <p>The result has the input's rows and columns, ordered by (key, order), plus the output
 * column (double, or an array for the chunked format). Running it sorts the input by (key,
 * order) unless {@link #presorted()}, runs phase 1 (one Spark job that reads the input once),
 * and computes the carries on the driver; the returned DataFrame reads the input a second time
 * (phase 3) whenever it is evaluated. The input must therefore be deterministic: the same rows
 * in the same partitions each time it is computed (cache or checkpoint it otherwise).
 */
public final class ScanTransform extends AbstractFunction1<Dataset<Row>, Dataset<Row>>
    implements Serializable {
  private static final long serialVersionUID = 1L;

  enum Kind { AFFINE, EMA, EMA_HALF_LIFE, ADJUSTED_EMA, IIR, DISCOUNT, CUMSUM, CUMPROD, CHUNKS }

  private final Kind kind;
  private final String[] inputs;
  private final double p1;
  private final double p2;
  /** Half-life given as a Duration (needs a date or timestamp order column), or null. */
  private final Duration halfLifeDuration;
  private final String[] keys;
  private final String order;
  private final String output;
  private final Direction direction;
  private final double[] h0;
  private final NonFinitePolicy nonFinite;
  private final boolean presorted;
  private final int width;

  ScanTransform(Kind kind, String[] inputs, double p1, double p2, Duration halfLifeDuration,
      String output, Direction direction) {
    this(kind, inputs, p1, p2, halfLifeDuration, new String[0], null, output, direction, null,
        NonFinitePolicy.PROPAGATE, false, 1);
  }

  private ScanTransform(Kind kind, String[] inputs, double p1, double p2, Duration hlDuration,
      String[] keys, String order, String output, Direction direction, double[] h0,
      NonFinitePolicy nonFinite, boolean presorted, int width) {
    this.kind = kind;
    this.inputs = inputs;
    this.p1 = p1;
    this.p2 = p2;
    this.halfLifeDuration = hlDuration;
    this.keys = keys;
    this.order = order;
    this.output = output;
    this.direction = direction;
    this.h0 = h0;
    this.nonFinite = nonFinite;
    this.presorted = presorted;
    this.width = width;
  }

  private ScanTransform copy(String[] keys, String order, String output, Direction direction,
      double[] h0, NonFinitePolicy nonFinite, boolean presorted, int width) {
    return new ScanTransform(kind, inputs, p1, p2, halfLifeDuration, keys, order, output,
        direction, h0, nonFinite, presorted, width);
  }

  /**
   * Key columns: each distinct key is an independent series (optional; none = one series). Keys
   * of type string, integral, boolean, date, timestamp, decimal or binary.
   */
  public ScanTransform key(String... columns) {
    if (columns == null) {
      throw new ParameterException("expected key column names, found null");
    }
    for (String c : columns) {
      if (c == null || c.isEmpty()) {
        throw new ParameterException("expected non-empty key column names, found "
            + Arrays.toString(columns));
      }
    }
    return copy(columns.clone(), order, output, direction, h0, nonFinite, presorted, width);
  }

  /**
   * The order column (time stamps, sequence numbers; for the chunked format the chunk ordinal):
   * values must strictly increase within a key. Numeric, date or timestamp.
   */
  public ScanTransform orderBy(String column) {
    if (column == null || column.isEmpty()) {
      throw new ParameterException("expected an order column name, found '" + column + "'");
    }
    return copy(keys, column, output, direction, h0, nonFinite, presorted, width);
  }

  /** Name of the new column (defaults: see {@link Scans}). It must not exist in the input. */
  public ScanTransform output(String column) {
    if (column == null || column.isEmpty()) {
      throw new ParameterException("expected an output column name, found '" + column + "'");
    }
    return copy(keys, order, column, direction, h0, nonFinite, presorted, width);
  }

  /**
   * Scan right to left (h_t = a_t h_{t+1} + b_t): for {@link Scans#affine}, cumulative sums and
   * products, and chunks. The discounted sum is always reverse; the EMAs and the IIR filter are
   * forward only.
   */
  public ScanTransform reverse() {
    if (kind != Kind.AFFINE && kind != Kind.CUMSUM && kind != Kind.CUMPROD
        && kind != Kind.CHUNKS) {
      throw new ParameterException("expected a scan that can run in reverse (affine, cumsum,"
          + " cumprod, chunks), found " + name() + (kind == Kind.DISCOUNT
              ? " (which is already a reverse scan)" : ""));
    }
    return copy(keys, order, output, Direction.REVERSE, h0, nonFinite, presorted, width);
  }

  /**
   * The state every series starts from (one value per channel; default zeros): for
   * {@link Scans#affine} and chunks only (the filters fix their own).
   */
  public ScanTransform initialState(double... state) {
    if (kind != Kind.AFFINE && kind != Kind.CHUNKS) {
      throw new ParameterException("expected an affine or chunked scan for initialState, found "
          + name() + " (whose initial state is fixed by its definition)");
    }
    if (state == null || state.length == 0) {
      throw new ParameterException("expected an initial state of at least one value, found "
          + (state == null ? "null" : "none"));
    }
    for (int c = 0; c < state.length; c++) {
      if (!Double.isFinite(state[c])) {
        throw new ParameterException("expected a finite initial state, found " + state[c]
            + " at channel " + c);
      }
    }
    return copy(keys, order, output, direction, state.clone(), nonFinite, presorted, width);
  }

  /**
   * What to do with NaN and infinite values in the value or coefficient columns: PROPAGATE
   * (default; IEEE arithmetic carries them forward within their series) or REJECT (fail with
   * a {@link dev.longscan.NonFiniteException} naming the column, key and position). A
   * non-finite order value is always an error.
   */
  public ScanTransform nonFinite(NonFinitePolicy policy) {
    if (policy == null) {
      throw new ParameterException("expected a nonFinite policy, found null");
    }
    return copy(keys, order, output, direction, h0, policy, presorted, width);
  }

  /**
   * Trust that the input is already ordered by (key, order) across its partitions — as
   * {@code orderBy(key, order)} leaves it — instead of sorting it. The order is still checked
   * (an {@link dev.longscan.OrderException} names the first row out of place). Without an order
   * column, the input's own row order is the scan order.
   */
  public ScanTransform presorted() {
    return copy(keys, order, output, direction, h0, nonFinite, true, width);
  }

  /** Chunked format: channels per step (array length = steps × width; default 1). */
  public ScanTransform width(int channels) {
    if (kind != Kind.CHUNKS) {
      throw new ParameterException("expected a chunked scan for width, found " + name());
    }
    if (channels < 1) {
      throw new ParameterException("expected width >= 1, found " + channels);
    }
    return copy(keys, order, output, direction, h0, nonFinite, presorted, channels);
  }

  /** The scan's name: affine, ema, emaHalfLife, adjustedEma, iir, discountedSum, …. */
  public String name() {
    switch (kind) {
      case AFFINE:
        return "affine";
      case EMA:
        return "ema";
      case EMA_HALF_LIFE:
        return "emaHalfLife";
      case ADJUSTED_EMA:
        return Double.isNaN(p1) ? "adjustedEmaHalfLife" : "adjustedEma";
      case IIR:
        return "iir";
      case DISCOUNT:
        return "discountedSum";
      case CUMSUM:
        return "cumsum";
      case CUMPROD:
        return "cumprod";
      default:
        return "chunks";
    }
  }

  /** Same as {@code run(df).dataset()}. */
  @Override
  public Dataset<Row> apply(Dataset<Row> df) {
    return run(df).dataset();
  }

  /** Runs phases 1 and 2 now and returns the result (phase 3 runs when it is evaluated). */
  public ScanResult run(Dataset<Row> df) {
    if (df == null) {
      throw new ParameterException("expected a DataFrame, found null");
    }
    long t0 = System.nanoTime();
    SparkSession spark = df.sparkSession();
    LongscanConf.Settings st = new LongscanConf.Settings(k -> {
      Option<String> v = spark.conf().getOption(k);
      return v.isDefined() ? v.get() : null;
    });
    StructType schema = df.schema();
    if (Arrays.asList(schema.fieldNames()).contains(output)) {
      throw new ParameterException("expected an output column name not in the DataFrame, found '"
          + output + "' among " + Columns.describe(schema) + "; choose another with output(...)");
    }
    Columns.Keys k = new Columns.Keys(schema, keys);
    Columns.Time t = order == null ? null : new Columns.Time(schema, order);
    if (t == null && !presorted) {
      throw new ParameterException("expected an order column (orderBy(...)) for " + name()
          + ", found none; without one, call presorted() to scan the rows in their present order");
    }
    if (t != null) {
      for (String kc : keys) {
        if (kc.equalsIgnoreCase(order)) {
          throw new ParameterException("expected the order column '" + order
              + "' not to be a key column too");
        }
      }
    }
    String nd = SparkInternals.nondeterministic(df);
    if (nd != null) {
      throw Failures.nondeterministic(nd);
    }
    SparkContext sc = spark.sparkContext();
    ExecutorBackends backends = st.backends(SparkInternals.isLocal(sc));
    backends.checkOnDriver();
    Dataset<Row> sorted = presorted ? df : df.sort(sortColumns());
    String hint = presorted ? "; the input was declared presorted(): drop presorted() to let"
        + " longscan sort it" : "";
    if (kind == Kind.CHUNKS) {
      return runChunks(spark, sorted, schema, k, t, st, backends, hint, t0);
    }
    if (h0 != null && h0.length != 1) {
      throw new ParameterException("expected an initial state of 1 value for " + name()
          + " (the long format has one channel per row; for several channels use the chunked"
          + " format with width(n)), found " + h0.length + " values " + Arrays.toString(h0));
    }
    StepModel model = model(t);
    Columns.Value[] values = new Columns.Value[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      values[i] = new Columns.Value(schema, inputs[i], i == 0 ? "value" : "coefficient");
    }
    RowScan scan = new RowScan(model, k, t, values, st.chunkSize, nonFinite, backends,
        sorted.schema());
    boolean inline = presorted && model.direction() == Direction.FORWARD && st.inlinePhase3
        && !backends.setting.startsWith("gpu");
    // phase 3 inline over the input planned again where that gives the same partitions; else
    // over the very rows phase 1 read (a shuffle's output is then read, not computed, again)
    boolean replan = inline && SparkInternals.replannable(sorted);
    // the rows phases 1 and 3 both read, where phase 3 does not plan the input again
    RDD<InternalRow> rows = replan ? null : SparkInternals.rows(sorted);
    JavaRDD<PartitionReport> phase1;
    String read = "rows";
    if (replan) {
      // phase 1 reads only the columns it needs, from column batches where the plan has them
      String[] names = neededColumns(sorted.schema());
      Dataset<Row> needed = sorted.select(columns(names));
      SparkInternals.Batches b = SparkInternals.batches(needed);
      read = (b != null ? "column batches of (" : "rows of (") + String.join(", ", names) + ")";
      if (b != null) {
        RowScan s1 = rowScan(model, b.schema, st.chunkSize, backends);
        phase1 = b.rdd.toJavaRDD().mapPartitionsWithIndex(
            (i, it) -> single(s1.summarizeBatches(i, it)), false);
      } else {
        RowScan s1 = rowScan(model, needed.schema(), st.chunkSize, backends);
        phase1 = SparkInternals.rows(needed).toJavaRDD().mapPartitionsWithIndex(
            (i, it) -> single(s1.summarize(i, it)), false);
      }
    } else {
      phase1 = rows.toJavaRDD().mapPartitionsWithIndex((i, it) -> single(scan.summarize(i, it)),
          false);
    }
    long t1 = System.nanoTime();
    List<PartitionReport> list = phase1.collect();
    long t2 = System.nanoTime();
    PartitionReport[] reps = list.toArray(new PartitionReport[0]);
    new Failures(reps, k, t, "order", hint).check();
    PartitionPlan[] plans = CarryPlan.forRows(reps, scan, st.fp64Carries);
    long t3 = System.nanoTime();
    Broadcast<PartitionPlan[]> bc = JavaSparkContext.fromSparkContext(sc).broadcast(plans);
    Dataset<Row> result;
    if (inline) {
      Dataset<Row> base = replan ? sorted
          : SparkInternals.dataFrame(spark, rows, sorted.schema());
      result = inlinePhase3(base, model, backends, bc, reps);
    } else {
      JavaRDD<InternalRow> out = rows.toJavaRDD().mapPartitionsWithIndex(
          (i, it) -> scan.apply(i, it, bc.value()[i]), true);
      StructType outSchema = RowScan.outputSchema(sorted.schema(), new String[] {output});
      result = SparkInternals.dataFrame(spark, out.rdd(), outSchema);
    }
    return new ScanResult(result, reps, t1 - t0, t2 - t1, t3 - t2, backends.setting, read);
  }

  /**
   * Phase 3 as an expression over the (presorted) input itself: all of its columns and the
   * output, computed inside Spark's generated code ({@link Phase3Expression}).
   */
  private Dataset<Row> inlinePhase3(Dataset<Row> sorted, StepModel model,
      ExecutorBackends backends, Broadcast<PartitionPlan[]> bc, PartitionReport[] reps) {
    String[] names = neededColumns(sorted.schema());
    StructType in = Phase3Expression.inputSchema(sorted.schema(), names);
    RowScan scan = rowScan(model, in, 1, backends);
    List<org.apache.spark.sql.catalyst.expressions.Expression> kids = new ArrayList<>();
    for (String c : names) {
      kids.add(SparkInternals.expression(sorted.col(quote(c))));
    }
    List<Column> out = new ArrayList<>();
    for (String f : sorted.schema().fieldNames()) {
      out.add(sorted.col(quote(f)));
    }
    out.add(SparkInternals.column(new Phase3Expression(kids, scan, in, bc, reps)).as(output));
    return sorted.select(out.toArray(new Column[0]));
  }

  /**
   * The key, order and value columns by their names in the schema, each once (a value column
   * may be the order column).
   */
  private String[] neededColumns(StructType schema) {
    java.util.LinkedHashSet<String> cols = new java.util.LinkedHashSet<>();
    List<String> wanted = new ArrayList<>(Arrays.asList(keys));
    if (order != null) {
      wanted.add(order);
    }
    wanted.addAll(Arrays.asList(inputs));
    for (String c : wanted) {
      cols.add(schema.fields()[Columns.ordinal(schema, c, "input")].name());
    }
    return cols.toArray(new String[0]);
  }

  private static Column[] columns(String[] names) {
    Column[] c = new Column[names.length];
    for (int i = 0; i < names.length; i++) {
      c[i] = functions.col(quote(names[i]));
    }
    return c;
  }

  /** This scan over rows of the given schema (which holds its columns). */
  private RowScan rowScan(StepModel model, StructType schema, int chunkRows,
      ExecutorBackends backends) {
    Columns.Value[] values = new Columns.Value[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      values[i] = new Columns.Value(schema, inputs[i], i == 0 ? "value" : "coefficient");
    }
    return new RowScan(model, new Columns.Keys(schema, keys),
        order == null ? null : new Columns.Time(schema, order), values, chunkRows, nonFinite,
        backends, schema);
  }

  private ScanResult runChunks(SparkSession spark, Dataset<Row> sorted, StructType schema,
      Columns.Keys k, Columns.Time t, LongscanConf.Settings st, ExecutorBackends backends,
      String hint, long t0) {
    if (t != null && !t.integral) {
      throw new ParameterException("expected an integral chunk ordinal column '" + order
          + "', found a floating-point one");
    }
    if (h0 != null && h0.length != width) {
      throw new ParameterException("expected an initial state of width " + width + ", found "
          + h0.length + " values");
    }
    ChunkScan scan = new ChunkScan(k, t, width, direction, h0, nonFinite, backends,
        sorted.schema(), inputs[0], inputs[1]);
    RDD<InternalRow> rows = SparkInternals.rows(sorted);
    long t1 = System.nanoTime();
    List<PartitionReport> list = rows.toJavaRDD()
        .mapPartitionsWithIndex((i, it) -> single(scan.summarizeRows(i, it)), false)
        .collect();
    long t2 = System.nanoTime();
    PartitionReport[] reps = list.toArray(new PartitionReport[0]);
    new Failures(reps, k, t, "chunk ordinal", hint).check();
    PartitionPlan[] plans = CarryPlan.forChunks(reps, k, direction == Direction.REVERSE, h0,
        width, st.fp64Carries);
    long t3 = System.nanoTime();
    Broadcast<PartitionPlan[]> bc =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(plans);
    JavaRDD<InternalRow> out = rows.toJavaRDD().mapPartitionsWithIndex(
        (i, it) -> scan.applyRows(i, it, bc.value()[i]), true);
    StructType outSchema = sorted.schema().add(output, scan.outputType(), false);
    Dataset<Row> result = SparkInternals.dataFrame(spark, out.rdd(), outSchema);
    return new ScanResult(result, reps, t1 - t0, t2 - t1, t3 - t2, backends.setting, "rows");
  }

  static <T> Iterator<T> single(T x) {
    return List.of(x).iterator();
  }

  private Column[] sortColumns() {
    List<Column> cols = new ArrayList<>();
    for (String kc : keys) {
      cols.add(functions.col(quote(kc)));
    }
    if (order != null) {
      cols.add(functions.col(quote(order)));
    }
    return cols.toArray(new Column[0]);
  }

  private static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** The step model for the order column t (null when there is none). */
  StepModel model(Columns.Time t) {
    switch (kind) {
      case AFFINE:
        return new StepModel.AffineModel(direction, h0);
      case EMA:
        return new StepModel.EmaModel(p1);
      case EMA_HALF_LIFE:
        return new StepModel.EmaHalfLifeModel(halfLifeInTimeUnits(t));
      case ADJUSTED_EMA:
        return Double.isNaN(p1) ? new StepModel.AdjustedEmaModel(Double.NaN,
            halfLifeInTimeUnits(t)) : new StepModel.AdjustedEmaModel(p1, Double.NaN);
      case IIR:
        return new StepModel.IirModel(p1, p2);
      case DISCOUNT:
        return new StepModel.DiscountModel(p1, inputs.length > 1);
      case CUMSUM:
        return new StepModel.CumulativeModel(false, direction);
      case CUMPROD:
        return new StepModel.CumulativeModel(true, direction);
      default:
        throw new IllegalStateException(kind.toString());
    }
  }

  /** The half-life in the unit the order values are read in (µs for timestamps, days, …). */
  double halfLifeInTimeUnits(Columns.Time t) {
    if (t == null) {
      throw new ParameterException("expected an order column (orderBy(...)) holding the time"
          + " stamps for " + name() + ", found none");
    }
    if (halfLifeDuration != null) {
      double seconds = halfLifeDuration.getSeconds() + halfLifeDuration.getNano() * 1e-9;
      if (t.isTimestamp()) {
        // microseconds from the exact parts (1500 ns is 1.5 µs, not 1.5e-6 s × 1e6)
        return halfLifeDuration.getSeconds() * 1e6 + halfLifeDuration.getNano() / 1e3;
      }
      if (t.isDate()) {
        return seconds / 86400.0;
      }
      throw new ParameterException("expected a date or timestamp order column for a half-life"
          + " given as a Duration, found column '" + t.name + "' of plain numbers; give the"
          + " half-life as a number in the column's units instead");
    }
    return t.isTimestamp() ? p2 * 1e6 : p2;
  }

  @Override
  public String toString() {
    return "ScanTransform[" + name() + "(" + String.join(", ", inputs) + ")"
        + (keys.length > 0 ? ", key=" + Arrays.toString(keys) : "")
        + (order != null ? ", orderBy=" + order : "") + ", output=" + output
        + (direction == Direction.REVERSE ? ", reverse" : "")
        + (presorted ? ", presorted" : "") + "]";
  }
}
