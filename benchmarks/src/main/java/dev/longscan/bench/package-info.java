/**
 * Benchmark programs: each prints a Markdown table of measured throughput and its ratio to a
 * ceiling measured in the same run. Results and the commands that produced them are recorded in
 * docs/benchmarks.md. Not part of the test suite.
 */
package dev.longscan.bench;
