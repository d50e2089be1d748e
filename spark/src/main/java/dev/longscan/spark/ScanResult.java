package dev.longscan.spark;

import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The outcome of {@link ScanTransform#run}: the scanned DataFrame (phase 3 runs whenever it is
 * evaluated) and what phases 1 and 2 cost.
 */
public final class ScanResult {
  private final Dataset<Row> dataset;
  private final int partitions;
  private final long rows;
  private final long blocks;
  private final long prepareNanos;
  private final long phase1Nanos;
  private final long phase2Nanos;
  private final String backend;
  private final String phase1Input;
  private final java.util.SortedSet<String> used = new java.util.TreeSet<>();

  ScanResult(Dataset<Row> dataset, PartitionReport[] reps, long prepareNanos, long phase1Nanos,
      long phase2Nanos, String backend, String phase1Input) {
    this.dataset = dataset;
    this.partitions = reps.length;
    long r = 0;
    long b = 0;
    for (PartitionReport p : reps) {
      if (p.backend != null && p.rows > 0) {
        used.add(p.backend);
      }
      r += p.rows;
      b += p.blockCount();
    }
    this.rows = r;
    this.blocks = b;
    this.prepareNanos = prepareNanos;
    this.phase1Nanos = phase1Nanos;
    this.phase2Nanos = phase2Nanos;
    this.backend = backend;
    this.phase1Input = phase1Input;
  }

  /** The input's rows in (key, order) order with the output column. */
  public Dataset<Row> dataset() {
    return dataset;
  }

  /** Partitions of the (sorted) input. */
  public int partitions() {
    return partitions;
  }

  /** Rows (long format) or chunks (chunked format) of the input. */
  public long rows() {
    return rows;
  }

  /** Summaries sent to the driver (blocks of rows, or chunks). */
  public long blocks() {
    return blocks;
  }

  /**
   * Planning the sorted input, in ns: with sorting and adaptive execution on, Spark runs the
   * sort's shuffle here.
   */
  public long prepareNanos() {
    return prepareNanos;
  }

  /** Phase 1 (one job: read every row, summarise blocks), in ns. */
  public long phase1Nanos() {
    return phase1Nanos;
  }

  /** Phase 2 (checks and carries on the driver), in ns. */
  public long phase2Nanos() {
    return phase2Nanos;
  }

  /**
   * What phase 1 read: "column batches of (…)" (only the scan's columns, straight from a
   * columnar source: Parquet or ORC files, cached data), "rows of (…)" (only the scan's columns),
   * or "rows" (all of the input's columns: when phase 3 reads the same rows, see docs/spark.md).
   */
  public String phase1Input() {
    return phase1Input;
  }

  /** The backend setting the tasks chose from (auto, cpu, gpu, gpu:N). */
  public String backendSetting() {
    return backend;
  }

  /** The backends phase 1's tasks ran on (descriptions such as "sequential" or "gpu …"). */
  public java.util.SortedSet<String> backendsUsed() {
    return java.util.Collections.unmodifiableSortedSet(used);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "ScanResult[%d rows in %d partitions, %d summaries;"
        + " prepare %.3f s, phase 1 %.3f s (read %s), phase 2 %.3f s; backend %s]", rows,
        partitions, blocks, prepareNanos / 1e9, phase1Nanos / 1e9, phase1Input,
        phase2Nanos / 1e9, backend);
  }
}
