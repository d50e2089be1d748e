package dev.longscan.spark;

import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Follows the key and order columns through one partition's rows (or chunk rows): whether each
 * row begins a series, the position of each row within its key's run, and — when checking — the
 * first null, non-finite order value, key out of order, or order value that does not strictly
 * increase within a key. Shared by the long and the chunked formats.
 */
final class OrderTracker {
  private final Columns.Keys keys;
  private final Columns.Time time;
  private final boolean check;

  /** Key snapshot of the last accepted row (null without keys). */
  Object[] key;
  long timeL;
  double timeD = Double.NaN;
  /**
   * The last accepted row's order value minus that of the row before it, exact in the column's
   * finest unit and then rounded ({@link Columns.Time#gap}); NaN when the row begins a series.
   */
  double gap = Double.NaN;
  boolean hasPrev;
  /** Rows accepted so far. */
  long rows;
  /** Rows of the current key run accepted so far. */
  long run;
  boolean inFirstRun = true;
  long firstRunLength = -1;
  /** Whether the last accepted row begins a series (relative to the row before it). */
  boolean starts;
  /** Set when {@link #accept} returns false while checking. */
  DataError error;
  /** The partition read, for the message of a row that changed since phase 1 (phase 3). */
  int partition = -1;

  // the fast lane (peek): rows of a column batch read into arrays, integral keys as longs
  /** {@link #key} as longs, and the key array they were read from. */
  private long[] keyLongs;
  private Object[] keyLongsOf;
  private boolean peekStarts;
  private long peekL;
  private double peekD;
  private double peekGap;
  private long[] peekKey;

  OrderTracker(Columns.Keys keys, Columns.Time time, boolean check) {
    this.keys = keys;
    this.time = time;
    this.check = check;
  }

  /**
   * Takes the row's key and order value. Returns false with {@link #error} set when the row is
   * bad (when not checking, throws instead: the input changed since it was checked).
   */
  boolean accept(InternalRow r) {
    boolean s;
    Object[] newKey = null;
    if (keys.present()) {
      int nk = keys.firstNull(r);
      if (nk >= 0) {
        return fail(DataError.NULL_KEY, keys.cols[nk].name, null, "null", null);
      }
      if (!hasPrev) {
        s = true;
        newKey = keys.snapshot(r);
      } else if (keys.same(r, key)) {
        s = false;
      } else {
        s = true;
        newKey = keys.snapshot(r);
        if (check && keys.compare(newKey, key) < 0) {
          return fail(DataError.UNSORTED_KEY, keyColumns(), newKey, keys.display(newKey),
              keys.display(key));
        }
      }
    } else {
      s = !hasPrev;
    }
    if (s && hasPrev) {
      if (inFirstRun) {
        firstRunLength = rows;
      }
      inFirstRun = false;
      run = 0;
    }
    if (newKey != null) {
      key = newKey;
    }
    if (time != null) {
      if (time.isNull(r)) {
        return fail(DataError.NULL_TIME, time.name, key, "null", null);
      }
      double td = time.getDouble(r);
      long tl = 0;
      if (time.integral) {
        tl = time.getLong(r);
      } else if (!Double.isFinite(td)) {
        return fail(DataError.NONFINITE_TIME, time.name, key, Double.toString(td), null);
      }
      double g = Double.NaN;
      if (hasPrev && !s) {
        // checked in phase 3 too: a gap is only meaningful between increasing values
        int c = time.integral ? Long.compare(tl, timeL) : Double.compare(td, timeD);
        if (c <= 0) {
          return fail(c == 0 ? DataError.DUPLICATE_TIME : DataError.UNSORTED_TIME, time.name,
              key, time.display(tl, td), time.display(timeL, timeD));
        }
        g = time.gap(timeL, timeD, tl, td);
      }
      timeL = tl;
      timeD = td;
      gap = g;
    }
    starts = s;
    return true;
  }

  /**
   * The fast lane: whether row i of a batch read into arrays (integral keys, or none) is one
   * {@link #accept} would take without error and is not the partition's first — its keys not
   * below the row before's, its order value increasing within a key when checking and finite.
   * If so, {@link #acceptPeeked} takes it; if not, nothing changed, and the caller hands the row
   * to {@link #accept}, which decides (and names errors) as for every row.
   */
  boolean peek(Columnar col, int i) {
    if (!hasPrev) {
      return false;
    }
    long[][] ks = col.keys;
    boolean s = false;
    if (ks.length > 0) {
      if (keyLongsOf != key) {
        keyLongs = new long[ks.length];
        peekKey = new long[ks.length];
        for (int c = 0; c < ks.length; c++) {
          keyLongs[c] = (Long) key[c];
        }
        keyLongsOf = key;
      }
      int cmp = 0;
      for (int c = 0; c < ks.length && cmp == 0; c++) {
        cmp = Long.compare(ks[c][i], keyLongs[c]);
      }
      if (cmp < 0) {
        return false;
      }
      s = cmp > 0;
    }
    if (time != null) {
      long tl = 0;
      double td;
      if (time.integral) {
        tl = col.timeL[i];
        td = tl;
      } else {
        td = col.timeD[i];
        if (!Double.isFinite(td)) {
          return false;
        }
      }
      if (check && !s && (time.integral ? tl <= timeL : !(td > timeD))) {
        return false;
      }
      peekL = tl;
      peekD = td;
      peekGap = s ? Double.NaN : time.gap(timeL, timeD, tl, td);
    }
    if (s) {
      for (int c = 0; c < ks.length; c++) {
        peekKey[c] = ks[c][i];
      }
    }
    peekStarts = s;
    return true;
  }

  /** Takes the row {@link #peek} vouched for (then {@link #commit}, as after accept). */
  void acceptPeeked() {
    if (peekStarts) {
      if (inFirstRun) {
        firstRunLength = rows;
      }
      inFirstRun = false;
      run = 0;
      Object[] k = new Object[peekKey.length];
      for (int c = 0; c < k.length; c++) {
        k[c] = peekKey[c];
      }
      long[] t = keyLongs;
      keyLongs = peekKey;
      peekKey = t;
      key = k;
      keyLongsOf = k;
    }
    if (time != null) {
      timeL = peekL;
      timeD = peekD;
      gap = peekGap;
    }
    starts = peekStarts;
  }

  /** Call after the rest of the row was read without error. */
  void commit() {
    hasPrev = true;
    rows++;
    run++;
  }

  /** Records (or, when not checking, throws for) a bad value of the current row. */
  boolean fail(int kind, String column, Object[] k, String found, String previous) {
    if (!check) {
      throw changed(partition, rows, k != null ? keys.display(k) : null, column, found);
    }
    DataError e = new DataError(kind, column, rows, run, inFirstRun, k);
    e.found = found;
    e.previous = previous;
    error = e;
    return false;
  }

  /** The error for a row that phase 3 finds otherwise than phase 1 checked it. */
  static IllegalStateException changed(int partition, long row, String key, String column,
      String found) {
    return new IllegalStateException("longscan: row " + row + " of "
        + (partition >= 0 ? "partition " + partition : "a partition")
        + (key != null ? " (" + key + ")" : "") + " changed between"
        + " phase 1 and phase 3 (" + column + " is now " + found + "); the input must be"
        + " deterministic: cache or checkpoint it before the scan");
  }

  long firstRun() {
    return firstRunLength < 0 ? rows : firstRunLength;
  }

  private String keyColumns() {
    StringBuilder sb = new StringBuilder();
    for (Columns.KeyCol k : keys.cols) {
      sb.append(sb.length() > 0 ? ", " : "").append(k.name);
    }
    return sb.toString();
  }
}
