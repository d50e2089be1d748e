package dev.longscan.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sin;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.xxhash64;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A generated tick dataset (symbol string, ts timestamp, price double, size long): ticks of all
 * symbols interleaved as they would arrive, irregular gaps, strictly increasing time stamps per
 * symbol, prices a deterministic function of the tick number. Computed by Spark SQL from
 * {@code spark.range}, so any size is generated in parallel without the driver holding it.
 */
final class TickData {
  private TickData() {}

  /** 2021-01-04 09:30 UTC in µs since the epoch. */
  static final long START_MICROS = 1_609_752_600_000_000L;

  static String symbol(int k) {
    return String.format("S%05d", k);
  }

  static Dataset<Row> generate(SparkSession spark, long rows, int symbols, int partitions,
      long seed) {
    if (rows < 0 || symbols < 1) {
      throw new dev.longscan.ParameterException("expected rows >= 0 and symbols >= 1, found "
          + rows + " and " + symbols);
    }
    Column id = col("id");
    Column k = pmod(id, lit(symbols));
    Column round = id.divide(symbols).cast("long");
    // tick number `round` of a symbol lands 1 s apart plus a jitter of less than 1 s: strictly
    // increasing per symbol, irregular, interleaved across symbols
    Column jitter = pmod(xxhash64(id, lit(seed)), lit(1_000_000L));
    Column micros = lit(START_MICROS).plus(round.multiply(1_000_000L)).plus(jitter);
    Column noise = pmod(xxhash64(id, lit(seed + 1)), lit(10_000L)).divide(10_000.0);
    Column price = lit(100.0).plus(k).plus(sin(round.divide(500.0)).multiply(5)).plus(noise);
    return spark.range(0, rows, 1, partitions).select(
        concat(lit("S"), format_string("%05d", k)).as("symbol"),
        timestamp_micros(micros).as("ts"),
        price.as("price"),
        pmod(xxhash64(id, lit(seed + 2)), lit(1000L)).plus(1).as("size"));
  }
}
