/**
 * The distributed linear scan on Apache Spark: h_t = a_t ⊙ h_{t−1} + b_t over series of billions
 * of rows, or millions of keyed series, using the whole cluster.
 *
 * <p>The three-phase chunked scan of Martin &amp; Cundy, "Parallelizing Linear Recurrent Neural
 * Nets Over Sequence Length" (ICLR 2018), §2, with Spark partitions as the chunks:
 * <ol>
 *   <li>phase 1, on the executors: every partition reduces its blocks of rows (or its chunks) to
 *       summaries, the compositions of their affine steps, on the task's GPU when one is assigned
 *       and the GPU backend is present, else on the CPU;</li>
 *   <li>phase 2, on the driver: the exclusive scan of all summaries in sequence order gives the
 *       state entering every block (the exclusive scan of core's element algebra,
 *       {@link dev.longscan.algebra.Algebra#exclusiveScan}: diagonal summaries, or for dense
 *       chunks the n×n ones of {@link dev.longscan.algebra.DenseSummary}); the carries are
 *       broadcast;</li>
 *   <li>phase 3, on the executors: every block is rescanned from its carry and its rows are
 *       written with their output.</li>
 * </ol>
 * Keyed series use the segmented operator (a summary that restarts ignores the carry entering
 * it), so a key whose rows straddle partitions needs nothing special. Entry points:
 * {@link dev.longscan.spark.Scans} (DataFrame transforms in long and chunked format, the RDD
 * entry point, and dense chunks of h_t = J_t h_{t−1} + b_t, {@link dev.longscan.spark.DenseChunk}), configuration keys in {@link dev.longscan.spark.LongscanConf}, Kryo registration
 * in {@link dev.longscan.spark.LongscanKryoRegistrator}. docs/spark.md has the protocol, the
 * configuration and how often the input is read.
 */
package dev.longscan.spark;
