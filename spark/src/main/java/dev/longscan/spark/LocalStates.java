package dev.longscan.spark;

/**
 * What phase 1 of the RDD entry point keeps of one partition when {@link LongscanConf#KEEP_STATES}
 * is on (persisted between the phases): its report for the driver and, per chunk in order, its
 * series and ordinal, its states from a zero state ({@code float[]} or {@code double[]},
 * time-major; null where the backend declined to guess, as a GPU does: phase 3 rescans that
 * chunk), a copy of the coefficients of its first steps in scan order ({@link
 * ChunkScan#headSteps}; null where there is no guess).
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

  LocalStates() {}

  LocalStates(int partition, PartitionReport report, String guessedBy) {
    this.partition = partition;
    this.report = report;
    this.guessedBy = guessedBy;
  }
}
