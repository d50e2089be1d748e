package dev.longscan.spark;

import dev.longscan.Backend;
import dev.longscan.Direction;
import dev.longscan.NonFinitePolicy;
import dev.longscan.Precision;
import dev.longscan.ScanOptions;
import dev.longscan.Sequence;
import dev.longscan.Summary;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;

/**
 * The executor side of the chunked format (one row or one {@link Chunk} per chunk of steps):
 * phase 1 reduces every chunk to its summary on the task's backend (the GPU when there is one),
 * phase 3 rescans every chunk from its carry. Chunks are streamed: one chunk's arrays in memory
 * at a time. The RDD entry point can instead keep the states ({@link #guessChunks}): phase 1
 * scans each chunk from a zero state, and phase 3 corrects that scan from the carry, rewriting
 * only the steps the carry still reaches: by the backend's settle where it guessed, else by
 * adding the carry's trace ({@link Propagation}).
 */
final class ChunkScan implements Serializable {
  private static final long serialVersionUID = 1L;

  final Columns.Keys keys;
  final Columns.Time ordinal;
  final int width;
  final Direction direction;
  final double[] h0;
  final NonFinitePolicy policy;
  final ExecutorBackends backends;
  /** DataFrame input: the array columns (ordinal -1 for the RDD entry point). */
  final String aName;
  final String bName;
  final int aOrd;
  final int bOrd;
  final boolean f32;
  final boolean aNulls;
  final boolean bNulls;

  ChunkScan(Columns.Keys keys, Columns.Time ordinal, int width, Direction direction, double[] h0,
      NonFinitePolicy policy, ExecutorBackends backends, StructType schema, String aName,
      String bName) {
    this.keys = keys;
    this.ordinal = ordinal;
    this.width = width;
    this.direction = direction;
    this.h0 = h0;
    this.policy = policy;
    this.backends = backends;
    if (schema == null) {
      this.aName = "a";
      this.bName = "b";
      aOrd = -1;
      bOrd = -1;
      f32 = false;
      aNulls = false;
      bNulls = false;
    } else {
      aOrd = Columns.ordinal(schema, aName, "coefficient");
      bOrd = Columns.ordinal(schema, bName, "coefficient");
      this.aName = schema.fields()[aOrd].name();
      this.bName = schema.fields()[bOrd].name();
      DataType at = schema.fields()[aOrd].dataType();
      DataType bt = schema.fields()[bOrd].dataType();
      Precision pa = elementPrecision(at, this.aName);
      Precision pb = elementPrecision(bt, this.bName);
      if (pa != pb) {
        throw new dev.longscan.ParameterException("expected array columns '" + this.aName
            + "' and '" + this.bName + "' of one element type, found " + at.simpleString()
            + " and " + bt.simpleString());
      }
      f32 = pa == Precision.FLOAT32;
      aNulls = ((ArrayType) at).containsNull();
      bNulls = ((ArrayType) bt).containsNull();
    }
  }

  static Precision elementPrecision(DataType t, String name) {
    if (t instanceof ArrayType) {
      DataType e = ((ArrayType) t).elementType();
      if (e.equals(DataTypes.FloatType)) {
        return Precision.FLOAT32;
      }
      if (e.equals(DataTypes.DoubleType)) {
        return Precision.FLOAT64;
      }
    }
    throw new dev.longscan.ParameterException("expected a chunk column '" + name + "' of type"
        + " array<float> or array<double>, found type " + t.simpleString());
  }

  DataType outputType() {
    return DataTypes.createArrayType(f32 ? DataTypes.FloatType : DataTypes.DoubleType, false);
  }

  ScanOptions options() {
    return ScanOptions.defaults().withDirection(direction).withInitialState(h0);
  }

  /** One chunk's key row (for the tracker) and coefficients, read from some input. */
  private interface Adapter<T> {
    InternalRow keyRow(T item);

    /** The chunk's (a, b), or null after recording an error in the tracker. */
    Sequence[] coefficients(T item, OrderTracker ot);
  }

  private final class RowAdapter implements Adapter<InternalRow> {
    /** Per-task buffers the arrays are copied into (grown as needed, reused chunk to chunk). */
    private final Scratch sa = new Scratch();
    private final Scratch sb = new Scratch();

    @Override
    public InternalRow keyRow(InternalRow r) {
      return r;
    }

    @Override
    public Sequence[] coefficients(InternalRow r, OrderTracker ot) {
      if (r.isNullAt(aOrd) || r.isNullAt(bOrd)) {
        String col = r.isNullAt(aOrd) ? aName : bName;
        ot.fail(DataError.NULL_VALUE, col, ot.key, "null", null);
        return null;
      }
      ArrayData a = r.getArray(aOrd);
      ArrayData b = r.getArray(bOrd);
      int n = a.numElements();
      if (n != b.numElements() || n % width != 0) {
        ot.fail(DataError.BAD_CHUNK, aName, ot.key, "lengths " + n + " and " + b.numElements(),
            null);
        ot.error.detail = "arrays '" + aName + "' and '" + bName + "' of one equal length that is"
            + " a multiple of width " + width;
        return null;
      }
      if (!nullFree(a, aNulls, aName, ot) || !nullFree(b, bNulls, bName, ot)) {
        return null;
      }
      return new Sequence[] {sa.read(a, n), sb.read(b, n)};
    }

    private boolean nullFree(ArrayData x, boolean mayHaveNulls, String col, OrderTracker ot) {
      if (!mayHaveNulls) {
        return true;
      }
      for (int i = 0, n = x.numElements(); i < n; i++) {
        if (x.isNullAt(i)) {
          ot.fail(DataError.NULL_VALUE, col, ot.key, "null", null);
          ot.error.inner = i / width;
          return false;
        }
      }
      return true;
    }
  }

  /** A reusable buffer of one precision that chunk arrays are copied into. */
  private final class Scratch {
    private float[] f = new float[0];
    private double[] d = new double[0];

    /** The array's n values as a sequence of steps × width over this buffer (a view). */
    Sequence read(ArrayData x, int n) {
      if (f32) {
        if (f.length < n) {
          f = new float[n];
        }
        if (x instanceof UnsafeArrayData) {
          UnsafeArrayData u = (UnsafeArrayData) x;
          Platform.copyMemory(u.getBaseObject(), u.getBaseOffset()
              + UnsafeArrayData.calculateHeaderPortionInBytes(n), f, Platform.FLOAT_ARRAY_OFFSET,
              4L * n);
        } else {
          System.arraycopy(x.toFloatArray(), 0, f, 0, n);
        }
        return Sequence.of(f, width).slice(0, n / width);
      }
      if (d.length < n) {
        d = new double[n];
      }
      if (x instanceof UnsafeArrayData) {
        UnsafeArrayData u = (UnsafeArrayData) x;
        Platform.copyMemory(u.getBaseObject(), u.getBaseOffset()
            + UnsafeArrayData.calculateHeaderPortionInBytes(n), d, Platform.DOUBLE_ARRAY_OFFSET,
            8L * n);
      } else {
        System.arraycopy(x.toDoubleArray(), 0, d, 0, n);
      }
      return Sequence.of(d, width).slice(0, n / width);
    }

    /** A sequence of n values over this buffer (for the states). */
    Sequence view(int n) {
      if (f32) {
        if (f.length < n) {
          f = new float[n];
        }
        return Sequence.of(f, width).slice(0, n / width);
      }
      if (d.length < n) {
        d = new double[n];
      }
      return Sequence.of(d, width).slice(0, n / width);
    }
  }

  private static final class ChunkAdapter implements Adapter<Chunk> {
    private final GenericInternalRow keyRow = new GenericInternalRow(2);

    @Override
    public InternalRow keyRow(Chunk c) {
      keyRow.setLong(0, c.series());
      keyRow.setLong(1, c.ordinal());
      return keyRow;
    }

    @Override
    public Sequence[] coefficients(Chunk c, OrderTracker ot) {
      return new Sequence[] {c.a(), c.b()};
    }
  }

  /** The schema the RDD entry point's key rows follow: (series long, ordinal long). */
  static final StructType CHUNK_KEYS = new StructType()
      .add("series", DataTypes.LongType, false)
      .add("ordinal", DataTypes.LongType, false);

  // ------------------------------------------------------------------ phase 1

  PartitionReport summarizeRows(int partition, Iterator<InternalRow> rows) {
    return summarize(partition, rows, new RowAdapter(), null);
  }

  PartitionReport summarizeChunks(int partition, Iterator<Chunk> chunks) {
    return summarize(partition, chunks, new ChunkAdapter(), null);
  }

  /**
   * Phase 1 of the RDD entry point keeping the states: as {@link #summarizeChunks}, and each
   * chunk's scan from a zero state in a new array, with a copy of its first steps' coefficients:
   * the backend's guess where it has one, else its apply from a zero state where the chunk
   * qualifies for {@link Propagation} (else nothing: phase 3 rescans the chunk).
   */
  LocalStates guessChunks(int partition, Iterator<Chunk> chunks) {
    Keeper k = new Keeper();
    PartitionReport rep = summarize(partition, chunks, new ChunkAdapter(), k);
    return rep.error != null || rep.backendError != null
        ? new LocalStates(partition, rep, rep.backend)
        : k.states(partition, rep);
  }

  /**
   * Steps of a chunk whose coefficients phase 1 keeps beside its guess, so that phase 3 can settle
   * the guess without reading the chunk: all of a chunk of up to 1024 steps; otherwise an eighth
   * of it, at least 1024 and at most 8192 steps, rounded down to a multiple of 32 (the settle's
   * stretch, so that no stretch inside them is cut short). How far a settle runs depends on the
   * data: a carry's trace falls below float32's 2^-24 after about 40 steps of multipliers around
   * 0.66, 1 650 of 0.99, 16 600 of 0.999 (more than are kept: such chunks are read again).
   */
  static int headSteps(int steps) {
    return steps <= 1024 ? steps : Math.max(1024, Math.min(8192, steps / 8)) / 32 * 32;
  }

  /** Collects the states phase 1 keeps (RDD entry point, kept states). */
  private final class Keeper {
    final List<Object> states = new ArrayList<>();
    final List<Object> headA = new ArrayList<>();
    final List<Object> headB = new ArrayList<>();
    final List<long[]> ids = new ArrayList<>();
    final List<Boolean> propagated = new ArrayList<>();
    /** An array a chunk left unused: it serves the next chunk. */
    Sequence spare;

    /**
     * The chunk's summary from its guess, or from its apply from a zero state kept for
     * propagation; null when neither is kept (phase 1 then reduces the chunk).
     */
    Summary keep(Object item, Sequence a, Sequence b, Backend be, ScanOptions base) {
      Chunk c = (Chunk) item;
      ids.add(new long[] {c.series(), c.ordinal()});
      if (spare == null || spare.size() != a.size() || spare.precision() != a.precision()) {
        spare = Sequence.allocate(a.precision(), a.steps(), width);
      }
      boolean rev = direction == Direction.REVERSE;
      Summary sum = be.guess(a, b, base, spare);
      boolean prop = false;
      if (sum == null && a.steps() > 0) {
        // no guess (a GPU): keep the backend's scan from a zero state, propagated in phase 3
        be.apply(a, b, new double[width], base, spare);
        double[] prod = Propagation.qualifies(a, spare, rev);
        if (prod != null) {
          sum = Summary.of(prod, Propagation.last(spare, rev), false);
          prop = true;
        }
      }
      if (sum == null) {
        states.add(null);
        headA.add(null);
        headB.add(null);
        propagated.add(false);
        return null;
      }
      states.add(array(spare));
      spare = null;
      int k = headSteps(a.steps());
      int from = rev ? a.steps() - k : 0;
      headA.add(k == 0 ? null : array(copy(a.slice(from, from + k))));
      headB.add(k == 0 || prop ? null : array(copy(b.slice(from, from + k))));
      propagated.add(prop);
      return sum;
    }

    LocalStates states(int partition, PartitionReport rep) {
      LocalStates ls = new LocalStates(partition, rep, rep.backend);
      int n = states.size();
      ls.states = states.toArray();
      ls.headA = headA.toArray();
      ls.headB = headB.toArray();
      ls.series = new long[n];
      ls.ordinals = new long[n];
      ls.propagated = new boolean[n];
      ls.done = new boolean[n];
      for (int j = 0; j < n; j++) {
        ls.series[j] = ids.get(j)[0];
        ls.ordinals[j] = ids.get(j)[1];
        ls.propagated[j] = propagated.get(j);
      }
      return ls;
    }
  }

  private static Sequence copy(Sequence x) {
    Sequence c = x.allocateLike();
    x.copyTo(c);
    return c;
  }

  /** The backing array of a sequence that covers all of it. */
  private static Object array(Sequence x) {
    return x.precision() == Precision.FLOAT32 ? x.floatArray() : x.doubleArray();
  }

  private Sequence view(Object array) {
    return array instanceof float[] ? Sequence.of((float[]) array, width)
        : Sequence.of((double[]) array, width);
  }

  private <T> PartitionReport summarize(int partition, Iterator<T> it, Adapter<T> ad,
      Keeper keeper) {
    PartitionReport rep = new PartitionReport(partition);
    Backend be = backends.forPhaseOne(partition, rep);
    if (be == null) {
      return rep;
    }
    ScanOptions base = options();
    OrderTracker ot = new OrderTracker(keys, ordinal, true);
    List<Summary> sums = new ArrayList<>();
    List<Boolean> starts = new ArrayList<>();
    while (it.hasNext()) {
      T item = it.next();
      if (!ot.accept(ad.keyRow(item))) {
        rep.error = ot.error;
        return rep;
      }
      Sequence[] ab = ad.coefficients(item, ot);
      if (ab == null) {
        rep.error = ot.error;
        return rep;
      }
      if (policy == NonFinitePolicy.REJECT && !finite(ab, ot)) {
        rep.error = ot.error;
        return rep;
      }
      if (ab[0].width() != width) {
        ot.fail(DataError.BAD_CHUNK, aName, ot.key, "width " + ab[0].width(), null);
        ot.error.detail = "chunks of width " + width;
        rep.error = ot.error;
        return rep;
      }
      Summary sum = keeper == null ? null : keeper.keep(item, ab[0], ab[1], be, base);
      sums.add(sum != null ? sum : be.reduce(ab[0], ab[1], base));
      starts.add(ot.starts);
      ot.commit();
      if (ot.rows == 1) {
        rep.firstKey = ot.key;
        rep.firstTimeL = ot.timeL;
        rep.firstTimeD = ot.timeD;
      }
    }
    rep.rows = ot.rows;
    rep.blocks = sums.toArray(new Summary[0]);
    rep.chunkStarts = new boolean[starts.size()];
    for (int i = 0; i < starts.size(); i++) {
      rep.chunkStarts[i] = starts.get(i);
    }
    if (ot.rows > 0) {
      rep.endAt(ot);
    }
    return rep;
  }

  private boolean finite(Sequence[] ab, OrderTracker ot) {
    String[] names = {aName, bName};
    for (int k = 0; k < 2; k++) {
      Sequence s = ab[k];
      for (int t = 0; t < s.steps(); t++) {
        for (int c = 0; c < s.width(); c++) {
          double v = s.get(t, c);
          if (!Double.isFinite(v)) {
            ot.fail(DataError.NONFINITE_VALUE, names[k], ot.key, Double.toString(v), null);
            ot.error.inner = t;
            return false;
          }
        }
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ phase 3

  /** Phase 3 of the chunked DataFrame format: each row joined with its chunk's states. */
  Iterator<InternalRow> applyRows(int partition, Iterator<InternalRow> rows, PartitionPlan plan) {
    SpecificInternalRow out = new SpecificInternalRow(
        new StructType().add("h", outputType(), false));
    JoinedRow joined = new JoinedRow();
    Scratch states = new Scratch();
    return new Phase3<>(partition, rows, new RowAdapter(), plan, states::view, (r, h) -> {
      out.update(0, f32
          ? UnsafeArrayData.fromPrimitiveArray(h.floatArray(), Platform.FLOAT_ARRAY_OFFSET,
              h.size(), 4)
          : UnsafeArrayData.fromPrimitiveArray(h.doubleArray(), Platform.DOUBLE_ARRAY_OFFSET,
              h.size(), 8));
      return joined.apply(r, out);
    });
  }

  /** Phase 3 of the RDD entry point, rescanning every chunk. */
  Iterator<ChunkResult> applyChunks(int partition, Iterator<Chunk> chunks, PartitionPlan plan) {
    return new Phase3<>(partition, chunks, new ChunkAdapter(), plan,
        n -> null, (c, h) -> ChunkResult.of(c.series(), c.ordinal(), h));
  }

  /**
   * Phase 3 of the RDD entry point with the states phase 1 kept: each chunk's guess is settled in
   * place, from the kept first steps when the settle stops within them, so {@code chunks} is read
   * only for chunks whose settle runs past them, or whose backend declined to guess. The states
   * change only by a complete settle (the first steps are settled in a copy), so a later
   * evaluation finds them settled after its first stretch.
   */
  Iterator<ChunkResult> settleChunks(int partition, Iterator<Chunk> chunks, PartitionPlan plan,
      LocalStates kept) {
    if (kept.partition != partition) {
      throw new IllegalStateException("longscan: phase 3 of partition " + partition + " was handed"
          + " the states of partition " + kept.partition);
    }
    Backend be = backends.forTask(partition);
    // only the backend that guessed may settle: a retried task on another one rescans
    boolean own = be.describe().equals(kept.guessedBy);
    ScanOptions base = options();
    boolean rev = direction == Direction.REVERSE;
    int n = kept.states.length;
    if (n != plan.blocks) {
      throw new IllegalStateException("longscan: phase 3 found " + n + " kept chunks where phase 1"
          + " found " + plan.blocks + "; the input must be deterministic: cache or checkpoint it"
          + " before the scan");
    }
    return new Iterator<ChunkResult>() {
      int j;
      int pulled;
      final double[] carry = new double[width];

      @Override
      public boolean hasNext() {
        return j < n;
      }

      @Override
      public ChunkResult next() {
        if (j >= n) {
          throw new NoSuchElementException();
        }
        System.arraycopy(plan.carries, j * width, carry, 0, width);
        Object st = kept.states[j];
        boolean prop = kept.propagated[j];
        Sequence h;
        if (st == null || !(own || prop)) {
          Chunk c = pull(j);
          h = Sequence.allocate(c.a().precision(), c.steps(), width);
          be.apply(c.a(), c.b(), carry, base, h);
        } else {
          h = view(st);
          // two attempts of this task may share the kept states (speculation): one at a time
          synchronized (st) {
            if (!prop) {
              settle(j, h);
            } else if (!kept.done[j]) {
              propagate(j, h);
              kept.done[j] = true; // a propagation is not idempotent: it runs once
            }
          }
        }
        ChunkResult r = ChunkResult.of(kept.series[j], kept.ordinals[j], h);
        j++;
        return r;
      }

      /** Settles chunk j's guess h from the carry: from its first steps if they suffice. */
      private void settle(int j, Sequence h) {
        if (h.steps() == 0) {
          return; // an empty chunk: nothing to settle, nothing to read
        }
        Object ha = kept.headA[j];
        if (ha != null) {
          Sequence a = view(ha);
          int k = a.steps();
          int from = rev ? h.steps() - k : 0;
          Sequence head = copy(h.slice(from, from + k));
          if (be.settle(a, view(kept.headB[j]), carry, base, head) < k || k == h.steps()) {
            head.copyTo(h.slice(from, from + k));
            return; // stopped on the guess within the first steps (or they are all): final
          }
        }
        Chunk c = pull(j);
        checkSame(c, h);
        be.settle(c.a(), c.b(), carry, base, h);
      }

      private void checkSame(Chunk c, Sequence h) {
        if (c.a().size() != h.size() || c.a().precision() != h.precision()) {
          throw new IllegalStateException("longscan: phase 3 found a chunk of " + c.a().size()
              + " " + c.a().precision() + " values where phase 1 scanned " + h.size() + " "
              + h.precision() + " values; the input must be deterministic: cache or checkpoint"
              + " it before the scan");
        }
      }

      /**
       * Adds the carry's trace to chunk j's states from zero h, from its first steps if the trace
       * vanishes within them. Writes nothing before the chunk is read, if it must be, so a failed
       * read leaves the states as phase 1 kept them.
       */
      private void propagate(int j, Sequence h) {
        int steps = h.steps();
        Object ha = kept.headA[j];
        if (ha != null) {
          Sequence a = view(ha);
          int k = a.steps();
          Sequence head = rev ? h.slice(steps - k, steps) : h.slice(0, k);
          if (k == steps || Propagation.propagate(a, head, carry, rev, false) < k) {
            Propagation.propagate(a, head, carry, rev, true);
            return;
          }
        }
        Chunk c = pull(j);
        checkSame(c, h);
        Propagation.propagate(c.a(), h, carry, rev, true);
      }

      /** Chunk j of the partition's input, read (in order) only now that it is needed. */
      private Chunk pull(int j) {
        Chunk c = null;
        while (pulled <= j) {
          if (!chunks.hasNext()) {
            throw new IllegalStateException("longscan: phase 3 found " + pulled + " chunks where"
                + " phase 1 found " + n + "; the input must be deterministic: cache or checkpoint"
                + " it before the scan");
          }
          c = chunks.next();
          if (c.series() != kept.series[pulled] || c.ordinal() != kept.ordinals[pulled]) {
            throw new IllegalStateException("longscan: phase 3 found chunk (" + c.series() + ", "
                + c.ordinal() + ") where phase 1 found (" + kept.series[pulled] + ", "
                + kept.ordinals[pulled] + "); the input must be deterministic: cache or"
                + " checkpoint it before the scan");
          }
          pulled++;
        }
        return c;
      }
    };
  }

  private interface Emit<T, R> {
    R emit(T item, Sequence h);
  }

  /** Where phase 3 writes a chunk's n states: a reused buffer, or null for a new array. */
  private interface StateBuffer {
    Sequence of(int n);
  }

  private final class Phase3<T, R> implements Iterator<R> {
    final Iterator<T> it;
    final Adapter<T> ad;
    final PartitionPlan plan;
    final Emit<T, R> emit;
    final StateBuffer states;
    final Backend be;
    final OrderTracker ot = new OrderTracker(keys, ordinal, false);
    final ScanOptions base = options();
    final double[] carry = new double[width];
    int j;
    boolean verified;
    /** The first chunk's key and ordinal, for the check against phase 1. */
    Object[] firstKey;
    long firstL;

    Phase3(int partition, Iterator<T> it, Adapter<T> ad, PartitionPlan plan, StateBuffer states,
        Emit<T, R> emit) {
      ot.partition = partition;
      this.states = states;
      this.it = it;
      this.ad = ad;
      this.plan = plan;
      this.emit = emit;
      this.be = backends.forTask(partition);
    }

    @Override
    public boolean hasNext() {
      boolean more = it.hasNext();
      if (!more && !verified) {
        verified = true;
        plan.verify(ot.partition, keys, ordinal, ot.rows, firstKey, firstL, Double.NaN, ot.key,
            ot.timeL, Double.NaN);
      }
      return more;
    }

    @Override
    public R next() {
      if (!it.hasNext()) {
        throw new NoSuchElementException();
      }
      T item = it.next();
      if (j >= plan.blocks) {
        throw new IllegalStateException("longscan: phase 3 found more chunks than phase 1 ("
            + plan.blocks + "); the input must be deterministic: cache or checkpoint it");
      }
      ot.accept(ad.keyRow(item));
      Sequence[] ab = ad.coefficients(item, ot);
      ot.commit();
      if (ot.rows == 1) {
        firstKey = ot.key;
        firstL = ot.timeL;
      }
      Sequence h = states.of(ab[0].size());
      if (h == null) {
        h = Sequence.allocate(ab[0].precision(), ab[0].steps(), width);
      }
      System.arraycopy(plan.carries, j * width, carry, 0, width);
      be.apply(ab[0], ab[1], carry, base, h);
      j++;
      return emit.emit(item, h);
    }
  }
}
