package dev.longscan.spark;

import dev.longscan.Affine;
import dev.longscan.Backend;
import dev.longscan.Backends;
import dev.longscan.Summary;
import dev.longscan.algebra.Algebra;
import dev.longscan.algebra.DenseSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * Phase 2, on the driver: from the partitions' reports, the state entering every block in scan
 * order. This is the "driver-level associative reduce": the block summaries of all partitions,
 * laid end to end in scan order (partition order for a forward scan, reversed for a reverse one),
 * go through the exclusive scan of core's element algebra ({@link Algebra#exclusiveScan}: the
 * diagonal {@link Summary} or, for dense chunks, {@link DenseSummary}), the same operator every
 * backend uses, so series restarts and keys that straddle partitions need nothing special here: a
 * summary that restarts simply ignores the carry entering it.
 *
 * <p>The only facts the executors could not know are about neighbours: whether a partition's
 * first row continues the key of the previous non-empty partition's last row (and that row's
 * order value, for time-aware filters), and whether the next partition's first row begins a new
 * series (for reverse scans). Long format: the entry row of each partition is turned into its
 * element here, with the model and kernel the executors use. Chunked format: chunk summaries
 * whose chunk begins a series (in scan order) are replaced by their restarted form.
 *
 * <p>Cost: O(blocks × width) arithmetic, sequential; at a million blocks this is milliseconds,
 * far below the cost of the jobs around it, so no tree is needed for speed. (The partition and
 * block summaries themselves are balanced compositions made by the backends.)
 */
final class CarryPlan {
  private CarryPlan() {}

  /** The neighbour facts of each partition (by partition index; empty partitions get none). */
  static final class Neighbours {
    final boolean[] firstStarts;
    /** The first row's gap to the previous partition's last row (NaN when firstStarts). */
    final double[] firstGap;
    final boolean[] nextStarts;

    Neighbours(PartitionReport[] reps, Columns.Keys keys, Columns.Time time) {
      int n = reps.length;
      firstStarts = new boolean[n];
      firstGap = new double[n];
      nextStarts = new boolean[n];
      int prev = -1;
      for (int p = 0; p < n; p++) {
        firstGap[p] = Double.NaN;
        if (reps[p].rows == 0) {
          continue;
        }
        boolean starts = prev < 0 || differ(keys, reps[prev].lastKey, reps[p].firstKey);
        firstStarts[p] = starts;
        if (!starts && time != null) {
          PartitionReport q = reps[prev];
          firstGap[p] = time.gap(q.lastTimeL, q.lastTimeD, reps[p].firstTimeL,
              reps[p].firstTimeD);
        }
        if (prev >= 0) {
          nextStarts[prev] = starts;
        }
        prev = p;
      }
      if (prev >= 0) {
        nextStarts[prev] = true;
      }
    }

    private static boolean differ(Columns.Keys keys, Object[] x, Object[] y) {
      return keys.present() && !keys.same(x, y);
    }
  }

  /** Long format. */
  static PartitionPlan[] forRows(PartitionReport[] reps, RowScan scan, boolean fp64) {
    Neighbours nb = new Neighbours(reps, scan.keys, scan.time);
    Backend be = Backends.sequential();
    boolean rev = scan.reverse();
    int w = scan.model.width();
    List<Summary> elems = new ArrayList<>();
    int[][] carryIndex = new int[reps.length][];
    for (int q = 0; q < reps.length; q++) {
      int p = rev ? reps.length - 1 - q : q;
      PartitionReport r = reps[p];
      if (r.rows == 0) {
        continue;
      }
      int m = r.blockCount();
      int[] idx = new int[m];
      Summary entry;
      if (!rev) {
        entry = scan.entryElement(be, r.entryIn, nb.firstGap[p], nb.firstStarts[p], false);
        idx[0] = elems.size();
        elems.add(round(entry, fp64));
        elems.add(round((Summary) r.blocks[0], fp64));
        for (int j = 1; j < m; j++) {
          idx[j] = elems.size();
          elems.add(round((Summary) r.blocks[j], fp64));
        }
      } else {
        boolean own = r.rows > 1 ? r.entryStarts : nb.firstStarts[p];
        double gap = r.rows > 1 ? r.entryGap : nb.firstGap[p];
        entry = scan.entryElement(be, r.entryIn, gap, own, nb.nextStarts[p]);
        idx[m - 1] = elems.size();
        elems.add(round(entry, fp64));
        elems.add(round((Summary) r.blocks[m - 1], fp64));
        for (int j = m - 2; j >= 0; j--) {
          idx[j] = elems.size();
          elems.add(round((Summary) r.blocks[j], fp64));
        }
      }
      carryIndex[p] = idx;
    }
    double[][] carries = Affine.exclusiveScan(elems, scan.model.initialState(), w);
    PartitionPlan[] plans = new PartitionPlan[reps.length];
    for (int p = 0; p < reps.length; p++) {
      PartitionPlan plan = new PartitionPlan();
      plan.firstStarts = nb.firstStarts[p];
      plan.firstGap = nb.firstGap[p];
      plan.nextStarts = nb.nextStarts[p];
      plan.expect(reps[p]);
      int[] idx = carryIndex[p];
      plan.blocks = idx == null ? 0 : idx.length;
      plan.carries = new double[plan.blocks * w];
      for (int j = 0; j < plan.blocks; j++) {
        copyCarry(carries[idx[j]], plan.carries, j * w, fp64);
      }
      plans[p] = plan;
    }
    return plans;
  }

  /**
   * How the chunked carry plan treats one kind of element: its algebra, the element of a chunk
   * that begins a series, and the element as the executors' precision sees it.
   */
  interface Elements<E> {
    Algebra<E> algebra();

    /** The summary of a chunk that begins a series: it ignores the carry, starts at from. */
    E restarted(E s, double[] from);

    /** The summary rounded as float32 data would hold it (unless fp64); carries likewise. */
    E rounded(E s, boolean fp64);

    /** Whether carries are rounded to float32 for float32 data (false: kept in float64). */
    boolean roundsCarries();
  }

  /** The diagonal elements ({@link Summary}) of {@code width} channels. */
  static Elements<Summary> diagonal(int width) {
    return new Elements<Summary>() {
      @Override
      public Algebra<Summary> algebra() {
        return Affine.algebra(width);
      }

      @Override
      public Summary restarted(Summary s, double[] from) {
        return Summary.of(new double[width], s.apply(from), true);
      }

      @Override
      public Summary rounded(Summary s, boolean fp64) {
        return round(s, fp64);
      }

      @Override
      public boolean roundsCarries() {
        return true;
      }
    };
  }

  /**
   * The dense elements ({@link DenseSummary}) of {@code batch} series of n-vectors: float64
   * throughout, as the single-machine {@link dev.longscan.DenseScan} carries its chunks.
   */
  static Elements<DenseSummary> dense(int batch, int n) {
    Algebra<DenseSummary> alg = DenseSummary.algebra(batch, n);
    return new Elements<DenseSummary>() {
      @Override
      public Algebra<DenseSummary> algebra() {
        return alg;
      }

      @Override
      public DenseSummary restarted(DenseSummary s, double[] from) {
        return DenseSummary.of(n, new double[batch * n * n], s.apply(from));
      }

      @Override
      public DenseSummary rounded(DenseSummary s, boolean fp64) {
        return s;
      }

      @Override
      public boolean roundsCarries() {
        return false;
      }
    };
  }

  /** Chunked format, diagonal chunks of {@code width} channels. */
  static PartitionPlan[] forChunks(PartitionReport[] reps, Columns.Keys keys, boolean reverse,
      double[] h0, int width, boolean fp64) {
    return forChunks(reps, keys, reverse, h0, diagonal(width), fp64);
  }

  /**
   * Chunked format: {@code reps[p].blocks[i]} is chunk i's whole summary (no restarts inside a
   * chunk), an element of {@code el}'s algebra; {@code chunkStarts[i]} says chunk i begins a
   * series relative to chunk i − 1. Written once for every element: O(chunks × width) work.
   */
  static <E> PartitionPlan[] forChunks(PartitionReport[] reps, Columns.Keys keys, boolean reverse,
      double[] h0, Elements<E> el, boolean fp64) {
    Algebra<E> alg = el.algebra();
    int width = alg.width();
    boolean roundCarries = !fp64 && el.roundsCarries();
    Neighbours nb = new Neighbours(reps, keys, null);
    List<E> elems = new ArrayList<>();
    int[][] carryIndex = new int[reps.length][];
    boolean[][] restart = new boolean[reps.length][];
    double[] start = h0 != null ? h0 : new double[width];
    for (int q = 0; q < reps.length; q++) {
      int p = reverse ? reps.length - 1 - q : q;
      PartitionReport r = reps[p];
      if (r.rows == 0) {
        continue;
      }
      int m = r.blockCount();
      int[] idx = new int[m];
      boolean[] rs = new boolean[m];
      for (int k = 0; k < m; k++) {
        int j = reverse ? m - 1 - k : k;
        // the chunk restarts when it is the first of its series in scan order
        boolean starts;
        if (!reverse) {
          starts = j == 0 ? nb.firstStarts[p] : r.chunkStarts[j];
        } else {
          starts = j == m - 1 ? nb.nextStarts[p] : r.chunkStarts[j + 1];
        }
        @SuppressWarnings("unchecked")
        E s = (E) r.blocks[j];
        if (starts) {
          s = el.restarted(s, start);
        }
        idx[j] = elems.size();
        rs[j] = starts;
        elems.add(el.rounded(s, fp64));
      }
      carryIndex[p] = idx;
      restart[p] = rs;
    }
    double[][] carries = alg.exclusiveScan(elems, h0);
    PartitionPlan[] plans = new PartitionPlan[reps.length];
    for (int p = 0; p < reps.length; p++) {
      PartitionPlan plan = new PartitionPlan();
      plan.firstStarts = nb.firstStarts[p];
      plan.nextStarts = nb.nextStarts[p];
      plan.expect(reps[p]);
      int[] idx = carryIndex[p];
      plan.blocks = idx == null ? 0 : idx.length;
      plan.carries = new double[plan.blocks * width];
      for (int j = 0; j < plan.blocks; j++) {
        copyCarry(restart[p][j] ? start : carries[idx[j]], plan.carries, j * width,
            !roundCarries);
      }
      plans[p] = plan;
    }
    return plans;
  }

  private static Summary round(Summary s, boolean fp64) {
    if (fp64) {
      return s;
    }
    double[] a = s.a();
    double[] b = s.b();
    for (int c = 0; c < a.length; c++) {
      a[c] = (float) a[c];
      b[c] = (float) b[c];
    }
    return Summary.of(a, b, s.resets());
  }

  private static void copyCarry(double[] src, double[] dst, int off, boolean fp64) {
    for (int c = 0; c < src.length; c++) {
      dst[off + c] = fp64 ? src[c] : (float) src[c];
    }
  }
}
