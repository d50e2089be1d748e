package dev.longscan.spark;

/**
 * The first bad row of a partition, found in phase 1 and turned into an exception on the driver
 * (where the row's position within its key and in the whole input is known). Phase 1 records
 * instead of throwing so that a data error fails the job once, with one clear message, rather
 * than as retried task failures.
 */
final class DataError implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  static final int NULL_KEY = 1;
  static final int NULL_TIME = 2;
  static final int NULL_VALUE = 3;
  static final int NONFINITE_VALUE = 4;
  static final int NONFINITE_TIME = 5;
  static final int UNSORTED_KEY = 6;
  static final int UNSORTED_TIME = 7;
  static final int DUPLICATE_TIME = 8;
  static final int BAD_CHUNK = 9;

  int kind;
  /** The column the bad value is in. */
  String column;
  /** Row index within the partition. */
  long row;
  /** Row index within its key's run of rows in this partition. */
  long runIndex;
  /** True when that run began at the partition's first row (so it may continue an earlier one). */
  boolean firstRun;
  /** The row's key (null without key columns, or when the key itself is the problem). */
  Object[] key;
  /** The offending value and, for order errors, the value before it (display strings). */
  String found;
  String previous;
  /** Chunked format: the step inside the chunk, or -1. */
  long inner = -1;
  /** Extra words for the message (chunked format: what is wrong with the arrays). */
  String detail;

  DataError() {}

  DataError(int kind, String column, long row, long runIndex, boolean firstRun, Object[] key) {
    this.kind = kind;
    this.column = column;
    this.row = row;
    this.runIndex = runIndex;
    this.firstRun = firstRun;
    this.key = key;
  }
}
