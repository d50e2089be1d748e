package dev.longscan.spark;

import dev.longscan.Backend;
import dev.longscan.NonFinitePolicy;
import dev.longscan.ScanOptions;
import dev.longscan.Sequence;
import dev.longscan.Summary;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.unsafe.Platform;

/**
 * The executor side of the long-format scan (one row per step): phase 1 ({@link #summarize})
 * and phase 3 ({@link #apply}) over one partition's rows, in order.
 *
 * <p>Rows are read one at a time and their inputs copied into a {@link StepModel.Block} of up to
 * {@code chunkRows} rows (plus one look-ahead row, so that a reverse scan knows whether the row
 * after the block begins a new series). Each block's coefficients come from the model, and the
 * backend chosen for the task reduces them to a summary (phase 1) or rescans them from the
 * block's carry (phase 3). Phase 3 keeps the block's rows as bytes until their outputs are known
 * and then emits them, each joined with its output value.
 */
final class RowScan implements Serializable {
  private static final long serialVersionUID = 1L;

  final StepModel model;
  final Columns.Keys keys;
  final Columns.Time time;
  final Columns.Value[] values;
  final int chunkRows;
  final NonFinitePolicy policy;
  final ExecutorBackends backends;
  final StructType inputSchema;

  RowScan(StepModel model, Columns.Keys keys, Columns.Time time, Columns.Value[] values,
      int chunkRows, NonFinitePolicy policy, ExecutorBackends backends, StructType inputSchema) {
    this.model = model;
    this.keys = keys;
    this.time = time;
    this.values = values;
    this.chunkRows = chunkRows;
    this.policy = policy;
    this.backends = backends;
    this.inputSchema = inputSchema;
  }

  boolean reverse() {
    return model.direction() == dev.longscan.Direction.REVERSE;
  }

  ScanOptions options() {
    return ScanOptions.defaults().withDirection(model.direction())
        .withInitialState(model.initialState());
  }

  // ------------------------------------------------------------------ reading rows

  /** Reads rows into a block, checking them in phase 1. */
  private final class Reader {
    final StepModel.Block blk;
    final OrderTracker ot;
    final boolean check;

    Reader(boolean check) {
      this.check = check;
      ot = new OrderTracker(keys, time, check);
      blk = new StepModel.Block(values.length, chunkRows + 1, time != null);
    }

    /**
     * Adds row i of the batch {@code col} read last, if the fast lane vouches for it and its
     * values are good; returns false, having changed nothing, otherwise.
     */
    boolean add(Columnar col, int i) {
      if (!ot.peek(col, i)) {
        return false;
      }
      int slot = blk.len;
      blk.ensure(slot);
      for (int k = 0; k < values.length; k++) {
        double x = col.values[k][i];
        if (check && policy == NonFinitePolicy.REJECT && !Double.isFinite(x)) {
          return false;
        }
        blk.in[k][slot] = x;
      }
      ot.acceptPeeked();
      return taken(slot);
    }

    /** Completes the row whose values went into the slot. */
    private boolean taken(int slot) {
      if (time != null) {
        blk.gap[slot] = ot.gap;
      }
      blk.starts[slot] = ot.starts;
      blk.len = slot + 1;
      ot.commit();
      return true;
    }

    /** Adds r at slot blk.len; returns false (with ot.error set) when the row is bad. */
    boolean add(InternalRow r) {
      if (!ot.accept(r)) {
        return false;
      }
      int i = blk.len;
      blk.ensure(i);
      for (int k = 0; k < values.length; k++) {
        Columns.Value v = values[k];
        if (v.isNull(r)) {
          return ot.fail(DataError.NULL_VALUE, v.name, ot.key, "null", null);
        }
        double x = v.get(r);
        if (check && policy == NonFinitePolicy.REJECT && !Double.isFinite(x)) {
          return ot.fail(DataError.NONFINITE_VALUE, v.name, ot.key, Double.toString(x), null);
        }
        blk.in[k][i] = x;
      }
      return taken(i);
    }
  }

  // ------------------------------------------------------------------ phase 1

  /** Phase 1: the partition's block summaries, boundary facts and first error. */
  PartitionReport summarize(int partition, Iterator<InternalRow> rows) {
    Phase1 p = new Phase1(partition);
    if (p.be == null) {
      return p.rep;
    }
    while (rows.hasNext()) {
      if (!p.rd.add(rows.next())) {
        return p.failed();
      }
      p.took();
    }
    return p.finish();
  }

  /**
   * Phase 1 over column batches ({@link SparkInternals#batches}) of this scan's schema: the same
   * report as {@link #summarize} over their rows. A batch whose columns hold no nulls is read
   * column by column into arrays (integral keys, numbers other than decimals), and each of its
   * rows that the {@link OrderTracker#peek fast lane} vouches for is taken from them; every other
   * row goes through the checks of {@link #summarize}, as a row of the batch.
   */
  PartitionReport summarizeBatches(int partition, Iterator<ColumnarBatch> batches) {
    Phase1 p = new Phase1(partition);
    if (p.be == null) {
      return p.rep;
    }
    Columnar col = Columnar.eligible(keys, time, values) ? new Columnar(keys, time, values)
        : null;
    while (batches.hasNext()) {
      ColumnarBatch cb = batches.next();
      int n = cb.numRows();
      boolean bulk = col != null && col.read(cb);
      for (int i = 0; i < n; i++) {
        if (!(bulk && p.rd.add(col, i) || p.rd.add(cb.getRow(i)))) {
          return p.failed();
        }
        p.took();
      }
    }
    return p.finish();
  }

  /** One partition's phase 1: rows go into blocks, full blocks into summaries. */
  private final class Phase1 {
    final PartitionReport rep;
    final Backend be;
    final boolean rev = reverse();
    final ScanOptions base = options();
    final Reader rd = new Reader(true);
    final StepModel.Block blk = rd.blk;
    final Scratch ab = new Scratch(false);
    final List<Summary> sums = new ArrayList<>();

    Phase1(int partition) {
      rep = new PartitionReport(partition);
      be = backends.forPhaseOne(partition, rep);
    }

    /** After the reader took a row. */
    void took() {
      OrderTracker ot = rd.ot;
      if (ot.rows == 1) {
        rep.firstKey = ot.key;
        rep.firstTimeL = ot.timeL;
        rep.firstTimeD = ot.timeD;
        if (!rev) {
          rep.entryIn = inputsAt(blk, 0);
        }
      }
      if (blk.len == chunkRows + 1) {
        // a full block plus its look-ahead row: summarise rows [lo, chunkRows)
        int lo = !rev && sums.isEmpty() ? 1 : 0;
        sums.add(reduce(be, base, blk, ab, lo, chunkRows));
        blk.shift(chunkRows);
      }
    }

    /** The report of a partition with a bad row (the reader said which). */
    PartitionReport failed() {
      rep.error = rd.ot.error;
      return rep;
    }

    PartitionReport finish() {
      OrderTracker ot = rd.ot;
      rep.rows = ot.rows;
      if (ot.rows == 0) {
        rep.blocks = new Summary[0];
        return rep;
      }
      int n = blk.len;
      if (rev) {
        rep.entryIn = inputsAt(blk, n - 1);
        rep.entryGap = time != null ? blk.gap[n - 1] : Double.NaN;
        // the last row's own start flag is known here unless it is the partition's only row
        rep.entryStarts = ot.rows > 1 && blk.starts[n - 1];
        sums.add(reduce(be, base, blk, ab, 0, n - 1));
      } else {
        sums.add(reduce(be, base, blk, ab, sums.isEmpty() ? 1 : 0, n));
      }
      rep.blocks = sums.toArray(new Summary[0]);
      rep.endAt(ot);
      return rep;
    }
  }

  private static double[] inputsAt(StepModel.Block blk, int i) {
    double[] v = new double[blk.in.length];
    for (int k = 0; k < v.length; k++) {
      v[k] = blk.in[k][i];
    }
    return v;
  }

  /**
   * The coefficient (and, in phase 3, state) arrays of a block, as long as the rows that
   * arrived: grown geometrically, never beyond the block's chunkRows + 1 rows.
   */
  private final class Scratch {
    final int w = model.width();
    final int max = (chunkRows + 1) * w;
    final boolean states;
    double[] a = new double[0];
    double[] b = new double[0];
    double[] h = new double[0];

    Scratch(boolean states) {
      this.states = states;
    }

    /** Room for n rows. */
    void fit(int n) {
      int m = n * w;
      a = StepModel.room(a, m, max);
      b = StepModel.room(b, m, max);
      if (states) {
        h = StepModel.room(h, m, max);
      }
    }
  }

  private Summary reduce(Backend be, ScanOptions base, StepModel.Block blk, Scratch ab, int lo,
      int hi) {
    int w = model.width();
    ab.fit(hi);
    Sequence as = Sequence.of(ab.a, w).slice(lo, hi);
    Sequence bs = Sequence.of(ab.b, w).slice(lo, hi);
    if (hi > lo) {
      model.coefficients(blk, lo, hi, as, bs);
    }
    return be.reduce(as, bs, base.withSegmentStarts(blk.starts, lo));
  }

  /**
   * The element of one entry row (the driver's part of phase 1), with the same model and the
   * same kernel as the executors: {@code starts} = whether the row begins a series,
   * {@code gap} its gap to the row before it ({@link OrderTracker#gap}; ignored when it begins
   * one), {@code nextStarts} whether the row after it begins one (read by reverse scans).
   */
  Summary entryElement(Backend be, double[] in, double gap, boolean starts,
      boolean nextStarts) {
    int w = model.width();
    StepModel.Block blk = new StepModel.Block(in.length, 1, time != null);
    for (int k = 0; k < in.length; k++) {
      blk.in[k][0] = in[k];
    }
    if (time != null) {
      blk.gap[0] = starts ? Double.NaN : gap;
    }
    blk.starts[0] = starts;
    blk.starts[1] = nextStarts;
    blk.len = 1;
    Sequence as = Sequence.allocate(dev.longscan.Precision.FLOAT64, 1, w);
    Sequence bs = Sequence.allocate(dev.longscan.Precision.FLOAT64, 1, w);
    model.coefficients(blk, 0, 1, as, bs);
    return be.reduce(as, bs, options().withSegmentStarts(blk.starts, 0));
  }

  // ------------------------------------------------------------------ phase 3

  /** The schema of the output: the input's columns, then the output column(s). */
  static StructType outputSchema(StructType input, String[] outputs) {
    StructType s = input;
    for (String o : outputs) {
      s = s.add(o, DataTypes.DoubleType, false);
    }
    return s;
  }

  /** Phase 3: the partition's rows, each joined with its output value. */
  Iterator<InternalRow> apply(int partition, Iterator<InternalRow> rows, PartitionPlan plan) {
    return new Phase3(partition, rows, plan);
  }

  private final class Phase3 implements Iterator<InternalRow> {
    final Iterator<InternalRow> rows;
    final PartitionPlan plan;
    final Backend be;
    final Reader rd = new Reader(false);
    final RowBuffer buf;
    final Scratch abh = new Scratch(true);
    final double[] carry;
    final ScanOptions base = options();
    final int w = model.width();
    final UnsafeProjection toUnsafe;
    final SpecificInternalRow out = new SpecificInternalRow(
        new StructType().add("h", DataTypes.DoubleType, false));
    final JoinedRow joined = new JoinedRow();
    int block;
    int emitFrom;
    int emitTo;
    boolean firstBlock = true;
    boolean done;
    /** The first row's key and order value, for the check against phase 1. */
    Object[] firstKey;
    long firstL;
    double firstD = Double.NaN;

    Phase3(int partition, Iterator<InternalRow> rows, PartitionPlan plan) {
      this.rows = rows;
      this.plan = plan;
      this.be = backends.forTask(partition);
      rd.ot.partition = partition;
      this.buf = new RowBuffer(chunkRows + 1, inputSchema.size());
      carry = new double[w];
      toUnsafe = UnsafeProjection.create(inputSchema);
    }

    @Override
    public boolean hasNext() {
      if (emitFrom < emitTo) {
        return true;
      }
      if (done) {
        return false;
      }
      fill();
      return emitFrom < emitTo;
    }

    /** Reads the next block (and its look-ahead row), computes it, and sets the rows to emit. */
    private void fill() {
      StepModel.Block blk = rd.blk;
      if (emitTo > 0) {
        // the previous block was full: its look-ahead row becomes this block's first
        blk.shift(chunkRows);
        buf.shift(chunkRows);
      }
      while (blk.len < chunkRows + 1 && rows.hasNext()) {
        InternalRow r = rows.next();
        if (rd.ot.rows >= plan.rows) {
          throw tooMany();
        }
        rd.add(r);
        if (rd.ot.rows == 1) {
          firstKey = rd.ot.key;
          firstL = rd.ot.timeL;
          firstD = rd.ot.timeD;
        }
        buf.add(r instanceof UnsafeRow ? (UnsafeRow) r : toUnsafe.apply(r));
      }
      int n;
      if (blk.len == chunkRows + 1) {
        n = chunkRows;
      } else {
        n = blk.len;
        done = true;
        blk.starts[n] = plan.nextStarts;
        OrderTracker ot = rd.ot;
        plan.verify(rd.ot.partition, keys, time, ot.rows, firstKey, firstL, firstD, ot.key,
            ot.timeL, ot.timeD);
      }
      if (n == 0) {
        emitFrom = emitTo = 0;
        return;
      }
      if (firstBlock) {
        blk.starts[0] = plan.firstStarts;
        if (blk.gap != null) {
          blk.gap[0] = plan.firstStarts ? Double.NaN : plan.firstGap;
        }
        firstBlock = false;
      }
      if (block >= plan.blocks) {
        throw new IllegalStateException("longscan: phase 3 found more rows in partition "
            + rd.ot.partition + " than phase 1 (more than " + plan.blocks + " blocks); the input"
            + " must be deterministic: cache or checkpoint it before the scan");
      }
      abh.fit(n);
      Sequence as = Sequence.of(abh.a, w).slice(0, n);
      Sequence bs = Sequence.of(abh.b, w).slice(0, n);
      Sequence hs = Sequence.of(abh.h, w).slice(0, n);
      model.coefficients(blk, 0, n, as, bs);
      System.arraycopy(plan.carries, block * w, carry, 0, w);
      be.apply(as, bs, carry, base.withSegmentStarts(blk.starts, 0), hs);
      block++;
      if (done && block != plan.blocks) {
        throw new IllegalStateException("longscan: phase 3 found " + block + " blocks in"
            + " partition " + rd.ot.partition + " where phase 1 found " + plan.blocks + "; the"
            + " input must be deterministic: cache or checkpoint it before the scan");
      }
      emitFrom = 0;
      emitTo = n;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      int i = emitFrom++;
      out.setDouble(0, model.output(abh.h, i * w));
      return joined.apply(buf.get(i), out);
    }

    private IllegalStateException tooMany() {
      return new IllegalStateException("longscan: phase 3 read partition " + rd.ot.partition
          + " otherwise than phase 1: expected " + plan.rows + " rows, found more; the input"
          + " must be deterministic (the same rows in the same partitions each time it is"
          + " computed): cache or checkpoint it before the scan");
    }
  }

  /**
   * Phase 3 of a forward scan one row at a time ({@link Phase3Expression}, inside Spark's
   * generated code): each row's output from the state before it, h = a ⊙ h + b in float64, the
   * partition's rows in order from its carry. The same model as the block path, its coefficients
   * row by row ({@link StepModel#rowCoefficients}, the same bits); the recurrence runs row by row
   * instead of through the backend's kernel, so results agree with the block path to rounding.
   * Phase 1 checked the rows, so this only notices values that became null or non-finite since
   * (the input changed) and fails. This scan's columns are those of the expression's input row.
   */
  final class Stepper {
    private final PartitionPlan plan;
    private final int partition;
    private final int w = model.width();
    private final double[] h = new double[w];
    private final double[] h0;
    private final double[] a = new double[w];
    private final double[] b = new double[w];
    private final double[] in = new double[values.length];
    /** The key of the row before (null before the first row). */
    private Object[] key;
    /** Rows stepped so far. */
    private long rows;
    /** The order value of the row stepped last, as a long (integral columns) and a double. */
    long timeL;
    double timeD = Double.NaN;

    Stepper(PartitionPlan plan, int partition) {
      this.plan = plan;
      this.partition = partition;
      double[] s = model.initialState();
      h0 = s != null ? s : new double[w];
      System.arraycopy(plan.carries, 0, h, 0, w);
    }

    /** The output of the partition's next row. */
    double step(InternalRow r) {
      boolean starts;
      if (keys.present()) {
        int nk = keys.firstNull(r);
        if (nk >= 0) {
          throw OrderTracker.changed(partition, rows, null, keys.cols[nk].name, "null");
        }
        if (key == null) {
          starts = plan.firstStarts;
          key = keys.snapshot(r);
        } else if (keys.same(r, key)) {
          starts = false;
        } else {
          starts = true;
          key = keys.snapshot(r);
        }
      } else {
        starts = rows == 0 && plan.firstStarts;
      }
      double gap = Double.NaN;
      if (time != null) {
        if (time.isNull(r)) {
          throw changed(time.name, "null");
        }
        long l = 0;
        double d;
        if (time.integral) {
          l = time.getLong(r);
          d = l;
        } else {
          d = time.getDouble(r);
          if (!Double.isFinite(d)) {
            throw changed(time.name, Double.toString(d));
          }
        }
        if (starts) {
          gap = Double.NaN;
        } else if (rows == 0) {
          gap = plan.firstGap;
        } else {
          if (time.integral ? l <= timeL : !(d > timeD)) {
            throw changed(time.name, time.display(l, d) + " after " + time.display(timeL, timeD));
          }
          gap = time.gap(timeL, timeD, l, d);
        }
        timeL = l;
        timeD = d;
      }
      for (int k = 0; k < in.length; k++) {
        if (values[k].isNull(r)) {
          throw changed(values[k].name, "null");
        }
        in[k] = values[k].get(r);
      }
      model.rowCoefficients(in, gap, starts, a, b);
      for (int c = 0; c < w; c++) {
        h[c] = a[c] * (starts ? h0[c] : h[c]) + b[c];
      }
      rows++;
      return model.output(h, 0);
    }

    private IllegalStateException changed(String column, String found) {
      return OrderTracker.changed(partition, rows, key != null ? keys.display(key) : null,
          column, found);
    }
  }

  /**
   * Rows kept as bytes in pages, so a block of rows costs no object per row: pages grow
   * geometrically from 64 KiB to {@link #PAGE} with the rows that arrive, then more pages of
   * that size follow (a block may hold more than the 2 GiB one array can), and the offset
   * arrays grow with the row count up to the block's capacity.
   */
  static final class RowBuffer {
    /** The size of full pages (a larger row gets a page of its own size). */
    static final int PAGE = 1 << 26;
    private final List<byte[]> pages = new ArrayList<>();
    private final int capacity;
    private int[] page = new int[0];
    private int[] off = new int[0];
    private int[] size = new int[0];
    private final UnsafeRow view;
    private int n;
    /** Bytes used in the last page. */
    private int used;

    RowBuffer(int capacity, int fields) {
      this.capacity = capacity;
      view = new UnsafeRow(fields);
      pages.add(new byte[1 << 16]);
    }

    void add(UnsafeRow r) {
      int s = r.getSizeInBytes();
      if (n == off.length) {
        int m = StepModel.grown(n, n + 1, capacity);
        page = Arrays.copyOf(page, m);
        off = Arrays.copyOf(off, m);
        size = Arrays.copyOf(size, m);
      }
      byte[] last = pages.get(pages.size() - 1);
      if ((long) used + s > last.length) {
        if (pages.size() == 1 && last.length < PAGE && (long) used + s <= PAGE) {
          // the first page grows until it is a full page
          last = Arrays.copyOf(last, (int) Math.min(PAGE, Math.max(2L * last.length, used + s)));
          pages.set(0, last);
        } else {
          last = new byte[Math.max(PAGE, s)];
          pages.add(last);
          used = 0;
        }
      }
      r.writeToMemory(last, Platform.BYTE_ARRAY_OFFSET + used);
      page[n] = pages.size() - 1;
      off[n] = used;
      size[n] = s;
      used += s;
      n++;
    }

    UnsafeRow get(int i) {
      view.pointTo(pages.get(page[i]), Platform.BYTE_ARRAY_OFFSET + off[i], size[i]);
      return view;
    }

    /** Keeps only row {@code from}, moved to slot 0 of the first page (the others go). */
    void shift(int from) {
      byte[] first = pages.get(0);
      byte[] src = pages.get(page[from]);
      if (first.length < size[from]) {
        first = new byte[size[from]];
        pages.set(0, first);
      }
      System.arraycopy(src, off[from], first, 0, size[from]);
      while (pages.size() > 1) {
        pages.remove(pages.size() - 1);
      }
      page[0] = 0;
      off[0] = 0;
      size[0] = size[from];
      used = size[from];
      n = 1;
    }

    /** Rows held (for tests). */
    int rows() {
      return n;
    }

    /** Bytes of row storage allocated (for tests). */
    long allocatedBytes() {
      long b = 0;
      for (byte[] p : pages) {
        b += p.length;
      }
      return b;
    }
  }
}
