package dev.longscan.spark;

/**
 * What phase 3 needs for one partition, computed on the driver in phase 2 and broadcast: the
 * state entering each block (or chunk) in scan order, and the facts about the neighbouring
 * partitions that the partition's own rows cannot tell.
 */
final class PartitionPlan implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** carries[j * width + c]: state entering block j (row order) in scan order, channel c. */
  double[] carries;
  /** Number of blocks phase 1 saw (phase 3 must see the same, or the input changed). */
  int blocks;
  /** The partition's first row begins a series (no row before it, or another key). */
  boolean firstStarts;
  /**
   * The first row's order value minus that of the row before it (in the previous partition),
   * exact in the column's finest unit and then rounded; NaN when firstStarts.
   */
  double firstGap = Double.NaN;
  /** The row after the partition's last row begins a series (or there is none). */
  boolean nextStarts;

  /** What phase 1 read, for phase 3 to check: rows, first and last key and order value. */
  long rows;
  Object[] firstKey;
  Object[] lastKey;
  long firstTimeL;
  long lastTimeL;
  double firstTimeD = Double.NaN;
  double lastTimeD = Double.NaN;

  PartitionPlan() {}

  /** Takes phase 1's facts about the partition from its report. */
  void expect(PartitionReport r) {
    rows = r.rows;
    firstKey = r.firstKey;
    lastKey = r.lastKey;
    firstTimeL = r.firstTimeL;
    lastTimeL = r.lastTimeL;
    firstTimeD = r.firstTimeD;
    lastTimeD = r.lastTimeD;
  }

  /**
   * Phase 3's check at the end of a partition that it read what phase 1 read: as many rows,
   * beginning and ending with the same key and order value. Throws an IllegalStateException
   * naming the partition, what phase 1 saw and what phase 3 found, otherwise.
   */
  void verify(int partition, Columns.Keys keys, Columns.Time time, long n, Object[] first,
      long firstL, double firstD, Object[] last, long lastL, double lastD) {
    boolean same = n == rows;
    if (same && n > 0) {
      same = sameRow(keys, time, firstKey, firstTimeL, firstTimeD, first, firstL, firstD)
          && sameRow(keys, time, lastKey, lastTimeL, lastTimeD, last, lastL, lastD);
    }
    if (!same) {
      throw new IllegalStateException("longscan: phase 3 read partition " + partition
          + " otherwise than phase 1: expected " + extent(keys, time, rows, firstKey, firstTimeL,
              firstTimeD, lastKey, lastTimeL, lastTimeD) + ", found " + extent(keys, time, n,
              first, firstL, firstD, last, lastL, lastD) + "; the input must be deterministic"
          + " (the same rows in the same partitions each time it is computed): cache or"
          + " checkpoint it before the scan");
    }
  }

  private static boolean sameRow(Columns.Keys keys, Columns.Time time, Object[] k1, long l1,
      double d1, Object[] k2, long l2, double d2) {
    if (keys.present() && (k1 == null || k2 == null || !keys.same(k1, k2))) {
      return false;
    }
    return time == null || (time.integral ? l1 == l2 : Double.compare(d1, d2) == 0);
  }

  /** For messages: "3 rows, from key='a', t=5 to key='b', t=9". */
  static String extent(Columns.Keys keys, Columns.Time time, long n, Object[] fk, long fl,
      double fd, Object[] lk, long ll, double ld) {
    String s = n + (n == 1 ? " row" : " rows");
    if (n == 0 || (!keys.present() && time == null)) {
      return s;
    }
    return s + " from " + row(keys, time, fk, fl, fd) + " to " + row(keys, time, lk, ll, ld);
  }

  private static String row(Columns.Keys keys, Columns.Time time, Object[] k, long l,
      double d) {
    String ks = keys.present() ? keys.display(k) : "";
    String ts = time == null ? "" : time.name + "=" + time.display(l, d);
    return "(" + ks + (ks.isEmpty() || ts.isEmpty() ? "" : ", ") + ts + ")";
  }
}
