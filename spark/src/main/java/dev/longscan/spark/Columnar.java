package dev.longscan.spark;

import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * The key, order and value columns of one column batch as arrays, for phase 1's fast lane
 * ({@link OrderTracker#peek}): integral keys as longs, the order column as longs (integral
 * kinds) or doubles, values as doubles. Only for scans whose key columns are all integral (or
 * absent) and whose values are not decimals, and only for batches without nulls in these
 * columns; the arrays are reused from batch to batch.
 */
final class Columnar {
  private final Columns.LongKey[] keyCols;
  private final Columns.Time time;
  private final Columns.Value[] valueCols;
  long[][] keys;
  long[] timeL;
  double[] timeD;
  double[][] values;

  Columnar(Columns.Keys keys, Columns.Time time, Columns.Value[] values) {
    keyCols = new Columns.LongKey[keys.cols.length];
    for (int c = 0; c < keyCols.length; c++) {
      keyCols[c] = (Columns.LongKey) keys.cols[c];
    }
    this.time = time;
    this.valueCols = values;
    allocate(0);
  }

  /** Whether a scan of these columns can take the fast lane. */
  static boolean eligible(Columns.Keys keys, Columns.Time time, Columns.Value[] values) {
    for (Columns.KeyCol k : keys.cols) {
      if (!(k instanceof Columns.LongKey)) {
        return false;
      }
    }
    for (Columns.Value v : values) {
      if (v.isDecimal()) {
        return false;
      }
    }
    return true;
  }

  private void allocate(int n) {
    keys = new long[keyCols.length][n];
    timeL = new long[n];
    timeD = new double[n];
    values = new double[valueCols.length][n];
  }

  /** Reads the batch's columns; false (nothing read) when one of them holds a null. */
  boolean read(ColumnarBatch cb) {
    for (Columns.LongKey k : keyCols) {
      if (cb.column(k.ordinal).hasNull()) {
        return false;
      }
    }
    if (time != null && cb.column(time.ordinal).hasNull()) {
      return false;
    }
    for (Columns.Value v : valueCols) {
      if (cb.column(v.ordinal).hasNull()) {
        return false;
      }
    }
    int n = cb.numRows();
    if (timeL.length < n) {
      allocate(n);
    }
    for (int c = 0; c < keyCols.length; c++) {
      keyCols[c].read(cb.column(keyCols[c].ordinal), n, keys[c]);
    }
    if (time != null) {
      time.read(cb.column(time.ordinal), n, timeL, timeD);
    }
    for (int k = 0; k < valueCols.length; k++) {
      valueCols[k].read(cb.column(valueCols[k].ordinal), n, values[k]);
    }
    return true;
  }
}
