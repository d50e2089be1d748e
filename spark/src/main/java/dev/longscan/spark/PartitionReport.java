package dev.longscan.spark;

/**
 * What phase 1 sends to the driver for one partition: the summaries of its blocks (row order),
 * the boundary rows' keys and order values, the inputs of its entry row, and the first data
 * error found, if any. Never large: one summary per block of {@code spark.longscan.chunkSize}
 * rows (long format) or per chunk row (chunked format).
 *
 * <p>Long format: the partition's <em>entry row</em> (the first row in a forward scan, the last in
 * a reverse one) is left out of the block summaries because its coefficients depend on the row
 * before it in scan order, which lives in another partition; the driver computes its element
 * from {@link #entryIn}. Chunked format: every chunk is summarised whole, and the driver applies
 * the series restarts that cross partitions.
 */
final class PartitionReport implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  int partition;
  long rows;

  /** Key snapshots of the first and last row (null without key columns or without rows). */
  Object[] firstKey;
  Object[] lastKey;
  /** Rows of the first and of the last key run in this partition. */
  long firstRun;
  long lastRun;

  /** Order values of the first and last row: exact for integral kinds, and as doubles. */
  long firstTimeL;
  long lastTimeL;
  double firstTimeD = Double.NaN;
  double lastTimeD = Double.NaN;

  /**
   * Long format: inputs of the entry row, and for a reverse scan (whose entry row is the last)
   * whether it begins a series and its gap to the row before it (see {@link OrderTracker#gap}).
   */
  double[] entryIn;
  double entryGap = Double.NaN;
  boolean entryStarts;

  /**
   * Block (or chunk) summaries in row order: {@link dev.longscan.Summary}s (the diagonal scan) or
   * {@link dev.longscan.algebra.DenseSummary}s (dense chunks), the elements of the carry plan's
   * algebra ({@link CarryPlan.Elements}).
   */
  Object[] blocks;
  /** Chunked format: chunk i begins a series (its key differs from chunk i − 1's); [0] unused. */
  boolean[] chunkStarts;

  /** The backend phase 1 ran on (its description). */
  String backend;

  /** Why the task could not open the backend the setting demands (a GPU), or null. */
  String backendError;

  /** The first bad row, or null. */
  DataError error;

  PartitionReport() {}

  PartitionReport(int partition) {
    this.partition = partition;
  }

  /** Records where the partition ends: the tracker's last key, order value and runs. */
  void endAt(OrderTracker ot) {
    lastKey = ot.key;
    lastTimeL = ot.timeL;
    lastTimeD = ot.timeD;
    lastRun = ot.run;
    firstRun = ot.firstRun();
  }

  int blockCount() {
    return blocks == null ? 0 : blocks.length;
  }
}
