package dev.longscan.spark;

/**
 * What phase 1 of the RDD entry point keeps of one partition when {@link LongscanConf#KEEP_STATES}
 * is on (persisted between the phases): its report for the driver, and each chunk's states from a
 * zero state ({@code float[]} or {@code double[]}, time-major), or null for a chunk whose backend
 * had no guess (a GPU): phase 3 rescans that one from its carry instead.
 */
final class LocalStates implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  int partition;
  PartitionReport report;
  Object[] states;
  /**
   * The backend that guessed ({@code describe()}): only it may settle the guesses; a retried
   * phase-3 task that gets another backend rescans from the carries instead.
   */
  String guessedBy;

  LocalStates() {}

  LocalStates(int partition, PartitionReport report, Object[] states, String guessedBy) {
    this.partition = partition;
    this.report = report;
    this.states = states;
    this.guessedBy = guessedBy;
  }
}
