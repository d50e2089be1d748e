package dev.longscan.spark;

/**
 * What phase 1 of the RDD entry point keeps of one partition when {@link LongscanConf#KEEP_STATES}
 * is on (persisted between the phases): its report for the driver and, per chunk in order, its
 * series and ordinal, its states from a zero state ({@code float[]} or {@code double[]},
 * time-major; null where phase 3 must rescan the chunk), and a copy of the multipliers of its
 * first steps ({@link ChunkScan#headSteps}), with the addends too for a guess. A chunk's states
 * are either the backend's guess, which phase 3 settles ({@code propagated[j]} false), or, from a
 * backend that does not guess (a GPU), its scan from zero, to which phase 3 adds the carry's
 * trace once ({@link Propagation}; {@code done[j]} records that it did).
 */
final class LocalStates implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  int partition;
  PartitionReport report;
  /**
   * The backend that guessed ({@code describe()}): only it may settle the guesses; a retried
   * phase-3 task that gets another backend rescans from the carries instead.
   */
  String guessedBy;
  long[] series;
  long[] ordinals;
  Object[] states;
  Object[] headA;
  Object[] headB;
  boolean[] propagated;
  /** Propagated chunks whose carry phase 3 has added (guarded by the chunk's states array). */
  boolean[] done;

  LocalStates() {}

  LocalStates(int partition, PartitionReport report, String guessedBy) {
    this.partition = partition;
    this.report = report;
    this.guessedBy = guessedBy;
  }
}
