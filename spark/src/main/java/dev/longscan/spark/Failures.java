package dev.longscan.spark;

import dev.longscan.LongscanException;
import dev.longscan.NonFiniteException;
import dev.longscan.OrderException;
import dev.longscan.ShapeException;

/**
 * Turns the first data error of a scan into an exception on the driver, where the bad row's
 * position within its key and within the whole input (in the scan's order) is known. Also checks
 * what no single partition can: the order across partition boundaries.
 */
final class Failures {
  private final PartitionReport[] reps;
  private final Columns.Keys keys;
  private final Columns.Time time;
  /** "order" for rows, "chunk ordinal" for chunks: what the order column holds. */
  private final String orderWhat;
  /** A hint appended to order errors (how to let longscan sort). */
  private final String orderHint;

  Failures(PartitionReport[] reps, Columns.Keys keys, Columns.Time time, String orderWhat,
      String orderHint) {
    this.reps = reps;
    this.keys = keys;
    this.time = time;
    this.orderWhat = orderWhat;
    this.orderHint = orderHint;
  }

  /**
   * The error for input whose plan holds a non-deterministic expression: phases 1 and 3 each
   * compute the input, and would see different rows or values.
   */
  static dev.longscan.ParameterException nondeterministic(String expression) {
    return new dev.longscan.ParameterException("expected a deterministic input (phase 3 computes"
        + " the input again and must see the rows and values phase 1 saw), found the"
        + " non-deterministic expression '" + expression + "' in its plan; cache the input"
        + " (df.cache()) or checkpoint it (df.localCheckpoint()) before the scan, or mark the"
        + " function deterministic if it is");
  }

  /** Throws for the first bad row of the input (or backend a task could not open), if any. */
  void check() {
    for (PartitionReport r : reps) {
      if (r.backendError != null) {
        throw new dev.longscan.BackendUnavailableException(r.backendError + " (phase 1, partition "
            + r.partition + ")");
      }
    }
    int pe = -1;
    for (int p = 0; p < reps.length; p++) {
      if (reps[p].error != null) {
        pe = p;
        break;
      }
    }
    int prev = -1;
    for (int p = 0; p < reps.length; p++) {
      if (pe >= 0 && p > pe) {
        break;
      }
      DataError err = reps[p].error;
      boolean hasFirst = reps[p].rows > 0 || (err != null && err.row > 0);
      if (err != null && err.row == 0) {
        throw exception(p, err);
      }
      if (hasFirst && prev >= 0) {
        DataError b = boundary(reps[prev], reps[p]);
        if (b != null) {
          throw exception(p, b);
        }
      }
      if (err != null) {
        throw exception(p, err);
      }
      if (hasFirst) {
        prev = p;
      }
    }
  }

  /** The order error between the last row of q and the first row of p, or null. */
  private DataError boundary(PartitionReport q, PartitionReport p) {
    if (keys.present()) {
      int c = keys.compare(q.lastKey, p.firstKey);
      if (c > 0) {
        DataError e = new DataError(DataError.UNSORTED_KEY, keyColumns(), 0, 0, true, p.firstKey);
        e.found = keys.display(p.firstKey);
        e.previous = keys.display(q.lastKey);
        return e;
      }
      if (c < 0) {
        return null;
      }
    }
    if (time == null) {
      return null;
    }
    int c = time.integral ? Long.compare(p.firstTimeL, q.lastTimeL)
        : Double.compare(p.firstTimeD, q.lastTimeD);
    if (c > 0) {
      return null;
    }
    DataError e = new DataError(c == 0 ? DataError.DUPLICATE_TIME : DataError.UNSORTED_TIME,
        time.name, 0, 0, true, p.firstKey);
    e.found = time.display(p.firstTimeL, p.firstTimeD);
    e.previous = time.display(q.lastTimeL, q.lastTimeD);
    return e;
  }

  private String keyColumns() {
    StringBuilder sb = new StringBuilder();
    for (Columns.KeyCol k : keys.cols) {
      sb.append(sb.length() > 0 ? ", " : "").append(k.name);
    }
    return sb.toString();
  }

  /** Position of the error's row within its key (rows of that key before it, all partitions). */
  long positionInKey(int p, DataError e) {
    long pos = e.runIndex;
    if (!e.firstRun) {
      return pos;
    }
    for (int q = p - 1; q >= 0; q--) {
      PartitionReport r = reps[q];
      if (r.rows == 0) {
        continue;
      }
      if (keys.present() && (e.key == null || !keys.same(r.lastKey, e.key))) {
        break;
      }
      pos += r.lastRun;
      if (r.lastRun < r.rows) {
        break;
      }
    }
    return pos;
  }

  long positionOverall(int p, DataError e) {
    long n = e.row;
    for (int q = 0; q < p; q++) {
      n += reps[q].rows;
    }
    return n;
  }

  private String where(int p, DataError e, long inKey) {
    long overall = positionOverall(p, e);
    String series = keys.present() ? "key " + keys.display(e.key) : "the series";
    return "at row " + inKey + " of " + series + " (row " + overall + " of the input in "
        + (keys.present() ? "(key, " + orderWhat + ")" : orderWhat) + " order, partition " + p
        + ")";
  }

  LongscanException exception(int p, DataError e) {
    long overall = positionOverall(p, e);
    String inner = e.inner >= 0 ? " (step " + e.inner + " of the chunk)" : "";
    switch (e.kind) {
      case DataError.NULL_KEY:
        return new NullValueException("expected non-null values in key column '" + e.column
            + "', found null at row " + overall + " of the input in (key, " + orderWhat
            + ") order (partition " + p + ")", e.column, null, overall);
      case DataError.NULL_TIME:
      case DataError.NULL_VALUE: {
        long inKey = positionInKey(p, e);
        String role = e.kind == DataError.NULL_TIME ? orderWhat + " column" : "column";
        return new NullValueException("expected non-null values in " + role + " '" + e.column
            + "', found null" + inner + " " + where(p, e, inKey), e.column,
            keys.present() ? keys.display(e.key) : null, inKey);
      }
      case DataError.NONFINITE_TIME: {
        long inKey = positionInKey(p, e);
        return new NonFiniteException("expected finite values in " + orderWhat + " column '"
            + e.column + "', found " + e.found + " " + where(p, e, inKey), e.column, inKey, -1);
      }
      case DataError.NONFINITE_VALUE: {
        long inKey = positionInKey(p, e);
        return new NonFiniteException("expected finite values in column '" + e.column
            + "' (nonFinite policy REJECT), found " + e.found + inner + " " + where(p, e, inKey),
            e.column, inKey, -1);
      }
      case DataError.UNSORTED_KEY:
        return new OrderException("expected rows ordered by key (" + e.column + ") ascending, found"
            + " key " + e.found + " after key " + e.previous + " at row " + overall
            + " of the input (partition " + p + ")" + orderHint, overall);
      case DataError.UNSORTED_TIME:
      case DataError.DUPLICATE_TIME: {
        long inKey = positionInKey(p, e);
        boolean dup = e.kind == DataError.DUPLICATE_TIME;
        String series = keys.present() ? "key " + keys.display(e.key) : "the series";
        return new OrderException("expected strictly increasing values of " + orderWhat
            + " column '" + e.column + "' within " + (keys.present() ? "each key" : "the series")
            + ", found " + e.found + (dup ? " twice (a duplicate) at rows " + (inKey - 1)
                + " and " + inKey : " after " + e.previous + " at row " + inKey)
            + " of " + series + " (row " + overall + " of the input, partition " + p + ")"
            + (dup ? "" : orderHint), inKey);
      }
      case DataError.BAD_CHUNK: {
        long inKey = positionInKey(p, e);
        return new ShapeException("expected " + e.detail + ", found " + e.found + " "
            + where(p, e, inKey).replace("at row", "at chunk"));
      }
      default:
        return new LongscanException("unknown data error kind " + e.kind);
    }
  }
}
