package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.longscan.BackendUnavailableException;
import dev.longscan.NonFinitePolicy;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/**
 * On a cluster the executors decide whether a demanded GPU backend can be opened: a phase-1 task
 * that cannot open it reports why instead of failing (with its retries), and the driver fails
 * the scan once with that reason and the partition. (In local mode the driver checks first.)
 */
class PhaseOneBackendTest {
  static final StructType SCHEMA = new StructType()
      .add("k", DataTypes.StringType, false)
      .add("t", DataTypes.LongType, false)
      .add("x", DataTypes.DoubleType, false);

  @Test
  void aGpuTheExecutorCannotOpenFailsTheScanOnceWithTheReason() {
    // a cluster (not local mode) whose executors have no GPU backend on the class path
    ExecutorBackends eb = new ExecutorBackends("gpu", "nosuchgpu", "gpu", false);
    Columns.Keys keys = new Columns.Keys(SCHEMA, new String[] {"k"});
    Columns.Time time = new Columns.Time(SCHEMA, "t");
    RowScan scan = new RowScan(new StepModel.CumulativeModel(false, dev.longscan.Direction.FORWARD),
        keys, time, new Columns.Value[] {new Columns.Value(SCHEMA, "x", "value")}, 5,
        NonFinitePolicy.PROPAGATE, eb, SCHEMA);
    List<InternalRow> rows = List.of(
        new GenericInternalRow(new Object[] {UTF8String.fromString("a"), 1L, 1.0}),
        new GenericInternalRow(new Object[] {UTF8String.fromString("a"), 2L, 2.0}));
    PartitionReport r0 = scan.summarize(0, rows.iterator());
    PartitionReport r1 = scan.summarize(1, List.<InternalRow>of().iterator());
    assertEquals("spark.longscan.backend=gpu but no GPU backend ('nosuchgpu') on the class path",
        r0.backendError);
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> new Failures(new PartitionReport[] {r0, r1}, keys, time, "order", "").check());
    assertEquals("spark.longscan.backend=gpu but no GPU backend ('nosuchgpu') on the class path"
        + " (phase 1, partition 0)", e.getMessage());
  }
}
