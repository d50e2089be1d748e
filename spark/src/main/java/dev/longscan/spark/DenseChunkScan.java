package dev.longscan.spark;

import dev.longscan.DenseScan;
import dev.longscan.Direction;
import dev.longscan.NonFinitePolicy;
import dev.longscan.ScanOptions;
import dev.longscan.Sequence;
import dev.longscan.algebra.DenseSummary;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;

/**
 * The executor side of the dense chunked format ({@link DenseChunk}s): phase 1 reduces every
 * chunk to its {@link DenseSummary} with core's {@link DenseScan} (split over the executor's cores
 * by series), phase 3 rescans every chunk from its carry. The order checks, partition reports,
 * failures and carry plan are those of the diagonal chunked format ({@link ChunkScan},
 * {@link CarryPlan#forChunks(PartitionReport[], Columns.Keys, boolean, double[],
 * CarryPlan.Elements, boolean)} over the dense algebra). Chunks are streamed.
 */
final class DenseChunkScan implements Serializable {
  private static final long serialVersionUID = 1L;

  final Columns.Keys keys;
  final Columns.Time ordinal;
  final int n;
  final int batch;
  final Direction direction;
  final double[] h0;
  final NonFinitePolicy policy;

  DenseChunkScan(Columns.Keys keys, Columns.Time ordinal, int n, int batch, Direction direction,
      double[] h0, NonFinitePolicy policy) {
    this.keys = keys;
    this.ordinal = ordinal;
    this.n = n;
    this.batch = batch;
    this.direction = direction;
    this.h0 = h0;
    this.policy = policy;
  }

  int width() {
    return batch * n;
  }

  /** The options of every call: the direction (non-finite values are checked here, per chunk). */
  private ScanOptions options() {
    return ScanOptions.defaults().withDirection(direction);
  }

  private static DenseScan engine() {
    return DenseScan.cpu();
  }

  private static final class KeyRow {
    final GenericInternalRow row = new GenericInternalRow(2);

    GenericInternalRow of(DenseChunk c) {
      row.setLong(0, c.series());
      row.setLong(1, c.ordinal());
      return row;
    }
  }

  /** Phase 1: the partition's chunk summaries, its boundary keys, or its first bad chunk. */
  PartitionReport summarize(int partition, Iterator<DenseChunk> it) {
    PartitionReport rep = new PartitionReport(partition);
    rep.backend = "cpu dense";
    OrderTracker ot = new OrderTracker(keys, ordinal, true);
    ot.partition = partition;
    KeyRow kr = new KeyRow();
    DenseScan engine = engine();
    ScanOptions o = options();
    List<DenseSummary> sums = new ArrayList<>();
    List<Boolean> starts = new ArrayList<>();
    while (it.hasNext()) {
      DenseChunk c = it.next();
      if (!ot.accept(kr.of(c))) {
        rep.error = ot.error;
        return rep;
      }
      if (c.n() != n || c.batch() != batch) {
        ot.fail(DataError.BAD_CHUNK, "j", ot.key, "batch " + c.batch() + " and n " + c.n(), null);
        ot.error.detail = "chunks of batch " + batch + " and n " + n;
        rep.error = ot.error;
        return rep;
      }
      if (policy == NonFinitePolicy.REJECT && !finite(c, ot)) {
        rep.error = ot.error;
        return rep;
      }
      sums.add(engine.reduce(n, c.j(), c.b(), o));
      starts.add(ot.starts);
      ot.commit();
      if (ot.rows == 1) {
        rep.firstKey = ot.key;
        rep.firstTimeL = ot.timeL;
        rep.firstTimeD = ot.timeD;
      }
    }
    rep.rows = ot.rows;
    rep.blocks = sums.toArray(new DenseSummary[0]);
    rep.chunkStarts = new boolean[starts.size()];
    for (int i = 0; i < starts.size(); i++) {
      rep.chunkStarts[i] = starts.get(i);
    }
    if (ot.rows > 0) {
      rep.endAt(ot);
    }
    return rep;
  }

  private static boolean finite(DenseChunk c, OrderTracker ot) {
    Sequence[] s = {c.j(), c.b()};
    String[] names = {"j", "b"};
    for (int k = 0; k < 2; k++) {
      for (int t = 0; t < s[k].steps(); t++) {
        for (int i = 0; i < s[k].width(); i++) {
          double v = s[k].get(t, i);
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

  /** Phase 3: every chunk rescanned from its carry, in the partition's order. */
  Iterator<ChunkResult> apply(int partition, Iterator<DenseChunk> chunks, PartitionPlan plan) {
    int w = width();
    OrderTracker ot = new OrderTracker(keys, ordinal, false);
    ot.partition = partition;
    KeyRow kr = new KeyRow();
    DenseScan engine = engine();
    ScanOptions o = options();
    return new Iterator<ChunkResult>() {
      final double[] carry = new double[w];
      int j;
      boolean verified;
      Object[] firstKey;
      long firstL;

      @Override
      public boolean hasNext() {
        boolean more = chunks.hasNext();
        if (!more && !verified) {
          verified = true;
          plan.verify(partition, keys, ordinal, ot.rows, firstKey, firstL, Double.NaN, ot.key,
              ot.timeL, Double.NaN);
        }
        return more;
      }

      @Override
      public ChunkResult next() {
        if (!chunks.hasNext()) {
          throw new NoSuchElementException();
        }
        DenseChunk c = chunks.next();
        if (j >= plan.blocks) {
          throw new IllegalStateException("longscan: phase 3 found more chunks than phase 1 ("
              + plan.blocks + "); the input must be deterministic: cache or checkpoint it");
        }
        ot.accept(kr.of(c));
        ot.commit();
        if (ot.rows == 1) {
          firstKey = ot.key;
          firstL = ot.timeL;
        }
        System.arraycopy(plan.carries, j * w, carry, 0, w);
        Sequence h = Sequence.allocate(c.precision(), c.steps(), w);
        engine.apply(n, c.j(), c.b(), carry, o, h);
        j++;
        return ChunkResult.of(c.series(), c.ordinal(), h);
      }
    };
  }
}
