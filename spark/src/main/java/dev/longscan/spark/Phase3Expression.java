package dev.longscan.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Nondeterministic;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.catalyst.expressions.codegen.Block;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeBlock;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeGenerator;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.catalyst.expressions.codegen.FalseLiteral$;
import org.apache.spark.sql.catalyst.expressions.codegen.JavaCode;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Phase 3 of a forward long-format scan of presorted input as a Catalyst expression: the output
 * column of {@code input.select(all columns, this)}, evaluated row by row in each partition's
 * order inside Spark's generated code, so the rows never leave it for an RDD and back (the block
 * path's route costs about 0.8 of an identity pass by itself). Its children are the scan's key,
 * order and value columns; each partition starts from the carry phase 2 computed for it, found by
 * the partition index Spark initialises nondeterministic expressions with (the index of the
 * input's partition, also under a later {@code coalesce} or {@code union}).
 *
 * <p>The input may be planned again for phase 3, so phase 3 checks that each partition begins
 * with the row phase 1 saw first and has no more rows than phase 1 counted: a partitioning that
 * differs fails the query instead of giving wrong carries.
 *
 * <p>Public only because Spark's generated code calls {@link #row} and {@link #step}; not part
 * of longscan's API (no public constructor).
 */
public final class Phase3Expression extends Expression implements Nondeterministic,
    java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** Identifies this scan's phase 3 through copies of the expression (equality, caching). */
  private final long id;
  private final List<Expression> kids;
  /** The scan over rows of the children's columns (in children order). */
  private final RowScan scan;
  private final StructType inputs;
  private final Broadcast<PartitionPlan[]> plans;
  /** Per partition of phase 1: rows, first and last key and order value. */
  private final long[] rows;
  private final Object[][] firstKeys;
  private final long[] firstTimeL;
  private final double[] firstTimeD;
  private final Object[][] lastKeys;
  private final long[] lastTimeL;
  private final double[] lastTimeD;

  private transient boolean initialized;
  private transient SpecificInternalRow row;
  private transient RowScan.Stepper stepper;
  private transient int partition;
  private transient long seen;

  Phase3Expression(List<Expression> kids, RowScan scan, StructType inputs,
      Broadcast<PartitionPlan[]> plans, PartitionReport[] reports) {
    this(NEXT_ID.incrementAndGet(), kids, scan, inputs, plans, rowsOf(reports),
        keysOf(reports, true), timesL(reports, true), timesD(reports, true),
        keysOf(reports, false), timesL(reports, false), timesD(reports, false));
  }

  private static final java.util.concurrent.atomic.AtomicLong NEXT_ID =
      new java.util.concurrent.atomic.AtomicLong();

  private Phase3Expression(long id, List<Expression> kids, RowScan scan, StructType inputs,
      Broadcast<PartitionPlan[]> plans, long[] rows, Object[][] firstKeys, long[] firstTimeL,
      double[] firstTimeD, Object[][] lastKeys, long[] lastTimeL, double[] lastTimeD) {
    this.id = id;
    this.kids = kids;
    this.scan = scan;
    this.inputs = inputs;
    this.plans = plans;
    this.rows = rows;
    this.firstKeys = firstKeys;
    this.firstTimeL = firstTimeL;
    this.firstTimeD = firstTimeD;
    this.lastKeys = lastKeys;
    this.lastTimeL = lastTimeL;
    this.lastTimeD = lastTimeD;
  }

  private static long[] rowsOf(PartitionReport[] r) {
    long[] x = new long[r.length];
    for (int i = 0; i < r.length; i++) {
      x[i] = r[i].rows;
    }
    return x;
  }

  private static Object[][] keysOf(PartitionReport[] r, boolean first) {
    Object[][] x = new Object[r.length][];
    for (int i = 0; i < r.length; i++) {
      x[i] = first ? r[i].firstKey : r[i].lastKey;
    }
    return x;
  }

  private static long[] timesL(PartitionReport[] r, boolean first) {
    long[] x = new long[r.length];
    for (int i = 0; i < r.length; i++) {
      x[i] = first ? r[i].firstTimeL : r[i].lastTimeL;
    }
    return x;
  }

  private static double[] timesD(PartitionReport[] r, boolean first) {
    double[] x = new double[r.length];
    for (int i = 0; i < r.length; i++) {
      x[i] = first ? r[i].firstTimeD : r[i].lastTimeD;
    }
    return x;
  }

  // ---------------------------------------------------------------- evaluation

  @Override
  public void initializeInternal(int partitionIndex) {
    partition = partitionIndex;
    seen = 0;
    row = new SpecificInternalRow(inputs);
    stepper = null; // made at the partition's first row (an empty one has no carry)
  }

  /** The row the generated code fills with the children's values before {@link #step}. */
  public SpecificInternalRow row() {
    return row;
  }

  /** The output of the row in {@link #row}, the partition's next. */
  public double step() {
    if (seen == 0) {
      if (partition < 0 || partition >= rows.length) {
        throw mismatch("rows, where phase 1 had " + rows.length + " partitions,");
      }
      if (rows[partition] == 0) {
        throw mismatch("rows where phase 1 found none");
      }
      stepper = scan.new Stepper(plans.value()[partition], partition);
    } else if (seen == rows[partition]) {
      throw mismatch("more rows than the " + rows[partition] + " phase 1 counted");
    }
    double out = stepper.step(row);
    if (seen == 0 && !isRow(firstKeys[partition], firstTimeL[partition],
        firstTimeD[partition])) {
      throw mismatch("a first row other than phase 1's");
    }
    seen++;
    // phase 1's last row must come last: where it comes earlier, rows went missing; where
    // another row comes last, rows changed (the check costs a comparison of order values)
    boolean last = isRow(lastKeys[partition], lastTimeL[partition], lastTimeD[partition]);
    if ((scan.time != null || scan.keys.present()) && last != (seen == rows[partition])
        && (scan.time != null || !last)) {
      throw mismatch(last ? "phase 1's last row as row " + (seen - 1) + " of the "
          + rows[partition] + " phase 1 counted (rows went missing)"
          : "a last row other than phase 1's");
    }
    return out;
  }

  /** Whether the row in {@link #row} has this key and order value. */
  private boolean isRow(Object[] key, long timeL, double timeD) {
    boolean sameTime = scan.time == null || (scan.time.integral
        ? stepper.timeL == timeL
        : Double.compare(stepper.timeD, timeD) == 0);
    return sameTime && scan.keys.same(row, key);
  }

  private IllegalStateException mismatch(String what) {
    return new IllegalStateException("longscan: phase 3 found " + what + " in partition "
        + partition + "; the input must be deterministic and planned into the same partitions"
        + " each time: cache or checkpoint it before the scan, or drop presorted() to let"
        + " longscan sort it");
  }

  @Override
  public Object evalInternal(InternalRow input) {
    for (int i = 0; i < kids.size(); i++) {
      Object v = kids.get(i).eval(input);
      if (v == null) {
        row.setNullAt(i);
      } else {
        row.update(i, v);
      }
    }
    return step();
  }

  @Override
  public Object eval(InternalRow input) {
    return Nondeterministic.super.eval(input);
  }

  @Override
  public ExprCode doGenCode(CodegenContext ctx, ExprCode ev) {
    String ref = ctx.addReferenceObj("longscanPhase3", this, Phase3Expression.class.getName());
    ctx.addPartitionInitializationStatement(ref + ".initialize(partitionIndex);");
    Block code = new CodeBlock(seq(List.of("")), seq(List.<JavaCode>of()));
    StringBuilder fill = new StringBuilder();
    String r = ctx.freshName("longscanRow");
    fill.append(SpecificInternalRow.class.getName()).append(' ').append(r).append(" = ")
        .append(ref).append(".row();\n");
    for (int i = 0; i < kids.size(); i++) {
      ExprCode c = kids.get(i).genCode(ctx);
      code = code.$plus(c.code());
      DataType t = kids.get(i).dataType();
      fill.append("if (").append(c.isNull()).append(") { ").append(r).append(".setNullAt(")
          .append(i).append("); } else { ")
          .append(CodeGenerator.setColumn(r, t, i, c.value().toString())).append("; }\n");
    }
    fill.append("double ").append(ev.value()).append(" = ").append(ref).append(".step();\n");
    code = code.$plus(new CodeBlock(seq(List.of(fill.toString())), seq(List.<JavaCode>of())));
    return ev.copy(code, FalseLiteral$.MODULE$, ev.value());
  }

  private static <T> Seq<T> seq(List<T> x) {
    return CollectionConverters.asScala(x).toList();
  }

  // ---------------------------------------------------------------- the tree

  @Override
  public Seq<Expression> children() {
    return seq(kids);
  }

  @Override
  public Expression withNewChildrenInternal(IndexedSeq<Expression> c) {
    List<Expression> k = new ArrayList<>(CollectionConverters.asJava(c));
    return new Phase3Expression(id, k, scan, inputs, plans, rows, firstKeys, firstTimeL,
        firstTimeD, lastKeys, lastTimeL, lastTimeD);
  }

  @Override
  public boolean nullable() {
    return false;
  }

  @Override
  public DataType dataType() {
    return DataTypes.DoubleType;
  }

  @Override
  public boolean deterministic() {
    return false;
  }

  @Override
  public boolean foldable() {
    return false;
  }

  @Override
  public boolean stateful() {
    return true;
  }

  @Override
  public String prettyName() {
    return "longscan_phase3";
  }

  @Override
  public boolean org$apache$spark$sql$catalyst$expressions$Nondeterministic$$initialized() {
    return initialized;
  }

  @Override
  public void org$apache$spark$sql$catalyst$expressions$Nondeterministic$$initialized_$eq(
      boolean v) {
    initialized = v;
  }

  @Override
  public int productArity() {
    return kids.size();
  }

  @Override
  public Object productElement(int n) {
    return kids.get(n);
  }

  @Override
  public boolean canEqual(Object o) {
    return o instanceof Phase3Expression;
  }

  /** The same scan's phase 3 over equal children (so Spark finds a cached result again). */
  @Override
  public boolean equals(Object o) {
    return o instanceof Phase3Expression && ((Phase3Expression) o).id == id
        && ((Phase3Expression) o).kids.equals(kids);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(id) * 31 + kids.hashCode();
  }

  /** The schema of the children's row: their names and types, in order. */
  static StructType inputSchema(StructType source, String[] columns) {
    StructType s = new StructType();
    for (String c : columns) {
      StructField f = source.fields()[Columns.ordinal(source, c, "input")];
      s = s.add(f.name(), f.dataType(), f.nullable());
    }
    return s;
  }
}
