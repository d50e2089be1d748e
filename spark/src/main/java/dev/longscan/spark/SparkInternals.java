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
 * The only place that touches Spark internals: the rows of a DataFrame as an
 * {@code RDD<InternalRow>} (no conversion to {@link Row} objects, which would cost more than the
 * scan) and a DataFrame over such an RDD. Both exist in classic (non-Connect) Spark 4 as
 * {@code queryExecution().toRdd()} and {@code internalCreateDataFrame}.
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

  static Dataset<Row> dataFrame(SparkSession session, RDD<InternalRow> rows, StructType schema) {
    return ((org.apache.spark.sql.classic.SparkSession) session)
        .internalCreateDataFrame(rows, schema, false);
  }

  static boolean isLocal(SparkContext sc) {
    String master = sc.master();
    return master.startsWith("local") && !master.startsWith("local-cluster");
  }
}
