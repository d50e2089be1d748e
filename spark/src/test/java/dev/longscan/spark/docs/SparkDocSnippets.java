package dev.longscan.spark.docs;

// doc-snippet: spark-ema
import dev.longscan.spark.Scans;
// end-doc-snippet

import dev.longscan.ScanOptions;
import dev.longscan.spark.Chunk;
import dev.longscan.spark.ChunkResult;
import java.time.Duration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The Java snippets of README.md and docs/spark.md that use Spark, compiled here (core's
 * DocSnippetsTest checks that the documents' blocks are verbatim copies of the regions between
 * {@code // doc-snippet: NAME} and {@code // end-doc-snippet}). Only public API: this package is
 * not {@code dev.longscan.spark}. The transforms themselves are tested in the spark test suite.
 */
final class SparkDocSnippets {
  private SparkDocSnippets() {}

  static Dataset<Row> ema(Dataset<Row> ticks) {
    // doc-snippet: spark-ema
    // per-key EMA over irregular time stamps, as a DataFrame transform
    Dataset<Row> out = ticks.transform(
        Scans.emaHalfLife("price", Duration.ofMinutes(5)).key("symbol").orderBy("ts"));
    // end-doc-snippet
    return out;
  }

  static Dataset<Row> chunked(Dataset<Row> chunks) {
    // doc-snippet: spark-chunks
    // columns: series (optional key), chunk (long ordinal), a, b (array<float> or array<double>)
    Dataset<Row> out = chunks.transform(Scans.chunks("a", "b").key("series").orderBy("chunk"));
    // out = chunks + h: array of the same element type and length, the chunk's states
    // end-doc-snippet
    return out;
  }

  static JavaRDD<ChunkResult> rdd(JavaRDD<Chunk> chunks) {
    // doc-snippet: spark-rdd
    // chunks: a JavaRDD<Chunk>, each Chunk.of(series, ordinal, width, a, b), float[] or double[]
    JavaRDD<ChunkResult> h = Scans.scanChunks(chunks, 1, ScanOptions.defaults());
    // end-doc-snippet
    return h;
  }
}
