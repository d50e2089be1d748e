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
  /** Order value of the row before the first row, as a double (NaN when firstStarts). */
  double prevTime = Double.NaN;
  /** The row after the partition's last row begins a series (or there is none). */
  boolean nextStarts;

  PartitionPlan() {}
}
