package dev.longscan.spark;

import dev.longscan.ParameterException;
import org.apache.spark.SparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;

/**
 * The only place that touches Spark internals (besides {@link Phase3Expression}, a Catalyst
 * expression): the rows of a DataFrame as an {@code RDD<InternalRow>} (no conversion to
 * {@link Row} objects, which would cost more than the scan), a DataFrame over such an RDD, and
 * columns to and from Catalyst expressions. All exist in classic (non-Connect) Spark 4 as
 * {@code queryExecution().toRdd()}, {@code internalCreateDataFrame} and {@code ExpressionUtils}.
 */
final class SparkInternals {
  private SparkInternals() {}

  static org.apache.spark.sql.classic.Dataset<Row> classic(Dataset<Row> df) {
    if (!(df instanceof org.apache.spark.sql.classic.Dataset)) {
      throw new ParameterException("expected a DataFrame of a classic SparkSession, found "
          + df.getClass().getName() + " (Spark Connect DataFrames cannot run longscan's jobs)");
    }
    return (org.apache.spark.sql.classic.Dataset<Row>) df;
  }

  /** The DataFrame's rows, computed by its (lazily built, then fixed) physical plan. */
  static RDD<InternalRow> rows(Dataset<Row> df) {
    return classic(df).queryExecution().toRdd();
  }

  /**
   * The column batches a DataFrame's rows are converted from, where its physical plan is just
   * that conversion (whole-stage code around {@code ColumnarToRowExec} over a scan that produces
   * batches, such as vectorized Parquet or ORC files) or a scan that produces either (cached
   * data of numeric columns), with the schema of those batches; null for any other plan.
   * Reading the batches skips building each row as an {@code UnsafeRow}.
   */
  static Batches batches(Dataset<Row> df) {
    org.apache.spark.sql.execution.SparkPlan p = classic(df).queryExecution().executedPlan();
    if (p instanceof org.apache.spark.sql.execution.WholeStageCodegenExec) {
      p = ((org.apache.spark.sql.execution.WholeStageCodegenExec) p).child();
    }
    if (p instanceof org.apache.spark.sql.execution.ColumnarToRowExec) {
      p = ((org.apache.spark.sql.execution.ColumnarToRowExec) p).child();
    }
    if (p instanceof org.apache.spark.sql.execution.InputAdapter) {
      p = ((org.apache.spark.sql.execution.InputAdapter) p).child();
    }
    if (!p.supportsColumnar()) {
      return null;
    }
    return new Batches(p.executeColumnar(), p.schema());
  }

  /** Column batches and their schema. */
  static final class Batches {
    final RDD<org.apache.spark.sql.vectorized.ColumnarBatch> rdd;
    final StructType schema;

    Batches(RDD<org.apache.spark.sql.vectorized.ColumnarBatch> rdd, StructType schema) {
      this.rdd = rdd;
      this.schema = schema;
    }
  }

  static Dataset<Row> dataFrame(SparkSession session, RDD<InternalRow> rows, StructType schema) {
    return ((org.apache.spark.sql.classic.SparkSession) session)
        .internalCreateDataFrame(rows, schema, false);
  }

  /**
   * Whether planning the DataFrame again computes the same partitions with the same rows in
   * them: nothing nondeterministic, and no shuffle (a range partitioning samples its input anew
   * each time it is planned, and may cut it elsewhere).
   */
  static boolean replannable(Dataset<Row> df) {
    org.apache.spark.sql.execution.QueryExecution qe = classic(df).queryExecution();
    if (!qe.analyzed().deterministic()) {
      return false;
    }
    // the plan as it runs, shuffles included (EnsureRequirements adds them for a global sort,
    // an aggregation or a join); under adaptive execution, the plan it starts from
    org.apache.spark.sql.execution.SparkPlan plan = qe.executedPlan();
    if (plan instanceof org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec) {
      plan = ((org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec) plan).inputPlan();
    }
    return !plan.exists(new scala.runtime.AbstractFunction1<
        org.apache.spark.sql.execution.SparkPlan, Object>() {
      @Override
      public Object apply(org.apache.spark.sql.execution.SparkPlan p) {
        return p instanceof org.apache.spark.sql.execution.exchange.Exchange;
      }
    });
  }

  /**
   * The first non-deterministic expression in the DataFrame's optimized plan (where cached
   * parts are the cached data, not the plan that computed them), as SQL — the innermost one, so
   * that it names the culprit (a UDF marked non-deterministic, {@code rand()}, …) rather than an
   * expression around it — or null when there is none. longscan's own phase 3 (the result of an
   * earlier scan) is not counted: it gives the same values each time its input does.
   */
  static String nondeterministic(Dataset<Row> df) {
    org.apache.spark.sql.catalyst.plans.logical.LogicalPlan plan =
        classic(df).queryExecution().optimizedPlan();
    String[] found = {null};
    plan.foreach(new scala.runtime.AbstractFunction1<
        org.apache.spark.sql.catalyst.plans.logical.LogicalPlan, scala.runtime.BoxedUnit>() {
      @Override
      public scala.runtime.BoxedUnit apply(
          org.apache.spark.sql.catalyst.plans.logical.LogicalPlan node) {
        scala.collection.Iterator<org.apache.spark.sql.catalyst.expressions.Expression> es =
            node.expressions().iterator();
        while (found[0] == null && es.hasNext()) {
          org.apache.spark.sql.catalyst.expressions.Expression e = culprit(es.next());
          if (e != null) {
            found[0] = sql(e);
          }
        }
        return scala.runtime.BoxedUnit.UNIT;
      }
    });
    return found[0];
  }

  /** The innermost non-deterministic expression in e (not counting phase 3), or null. */
  private static org.apache.spark.sql.catalyst.expressions.Expression culprit(
      org.apache.spark.sql.catalyst.expressions.Expression e) {
    if (e.deterministic() || e instanceof Phase3Expression) {
      return null;
    }
    boolean childrenDeterministic = true;
    scala.collection.Iterator<org.apache.spark.sql.catalyst.expressions.Expression> cs =
        e.children().iterator();
    while (cs.hasNext()) {
      org.apache.spark.sql.catalyst.expressions.Expression c = cs.next();
      org.apache.spark.sql.catalyst.expressions.Expression inner = culprit(c);
      if (inner != null) {
        return inner;
      }
      childrenDeterministic &= c.deterministic();
    }
    // non-deterministic of itself (its children are deterministic), or only through phase 3
    return childrenDeterministic ? e : null;
  }

  private static String sql(org.apache.spark.sql.catalyst.expressions.Expression e) {
    try {
      return e.sql();
    } catch (RuntimeException notSql) {
      return e.toString();
    }
  }

  /** The Catalyst expression of a column of a classic DataFrame. */
  static org.apache.spark.sql.catalyst.expressions.Expression expression(
      org.apache.spark.sql.Column c) {
    return org.apache.spark.sql.classic.ExpressionUtils$.MODULE$.expression(c);
  }

  /** A column computed by a Catalyst expression. */
  static org.apache.spark.sql.Column column(
      org.apache.spark.sql.catalyst.expressions.Expression e) {
    return org.apache.spark.sql.classic.ExpressionUtils$.MODULE$.column(e);
  }

  static boolean isLocal(SparkContext sc) {
    String master = sc.master();
    return master.startsWith("local") && !master.startsWith("local-cluster");
  }
}
