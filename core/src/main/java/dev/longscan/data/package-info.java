/**
 * Readers for time-series data sets. {@link dev.longscan.data.TsFormat} reads and writes the
 * UEA/UCR classification archives' {@code .ts} files (the sktime "ts file format v1.0": A. Bagnall
 * et al., "The UEA multivariate time series classification archive, 2018", arXiv 1811.00075;
 * H. A. Dau et al., "The UCR time series archive", arXiv 1810.07758), into a
 * {@link dev.longscan.data.TsDataset}; malformed files raise
 * {@link dev.longscan.data.TsFormatException} naming the line and column.
 */
package dev.longscan.data;
