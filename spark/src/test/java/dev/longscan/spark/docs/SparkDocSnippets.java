package dev.longscan.spark.docs;

// doc-snippet: spark-ema
import dev.longscan.spark.Scans;
// end-doc-snippet

import dev.longscan.ScanOptions;
import dev.longscan.spark.Chunk;
import dev.longscan.spark.ChunkResult;
import dev.longscan.spark.DenseChunk;
import java.time.Duration;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
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

  static JavaRDD<ChunkResult> dense(JavaSparkContext jsc) {
    // doc-snippet: spark-dense
    // one long series (series 0) of 3-vectors, h_t = J_t h_{t-1} + b_t, in chunks of 1000 steps
    int n = 3;
    int batch = 1;                        // independent series per chunk, each of n values
    double[] j = new double[1000 * batch * n * n];  // [steps, batch, n, n], row-major matrices
    double[] b = new double[1000 * batch * n];      // [steps, batch, n]
    List<DenseChunk> parts = List.of(DenseChunk.of(0, 0, n, batch, j, b),
        DenseChunk.of(0, 1, n, batch, j, b));       // (series, ordinal, n, batch, j, b)
    JavaRDD<DenseChunk> chunks = jsc.parallelize(parts, 2);
    JavaRDD<ChunkResult> h = Scans.scanDenseChunks(chunks, n, batch, ScanOptions.defaults());
    // each result: the chunk's states [steps, batch, n]
    // end-doc-snippet
    return h;
  }
}
