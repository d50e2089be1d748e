/**
 * Runnable jobs and the command line: {@link dev.longscan.examples.Main} ({@code bin/longscan}),
 * the spark-submit jobs {@link dev.longscan.examples.TickEmaJob} (per-key EMA over ticks in
 * Parquet) and {@link dev.longscan.examples.LongSeriesJob} (one very long series in chunks).
 */
package dev.longscan.examples;
