package dev.longscan.data;

import dev.longscan.ParameterException;
import dev.longscan.Precision;
import dev.longscan.Sequence;
import dev.longscan.ShapeException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A time-series classification data set: cases of {@link #dimensions()} channels, each of its own
 * length (all the same when {@link #equalLength()}), with a class label from
 * {@link #classLabels()} (or none when the set is unlabelled). Missing values are NaN.
 */
public final class TsDataset {
  private final String problemName;
  private final int dimensions;
  private final boolean equalLength;
  private final boolean missing;
  private final List<String> classLabels;
  private final List<double[][]> series;
  private final List<String> labels;

  private TsDataset(String problemName, int dimensions, boolean equalLength, boolean missing,
      List<String> classLabels, List<double[][]> series, List<String> labels) {
    this.problemName = problemName;
    this.dimensions = dimensions;
    this.equalLength = equalLength;
    this.missing = missing;
    this.classLabels = classLabels;
    this.series = series;
    this.labels = labels;
  }

  /**
   * A data set from its parts (copied): {@code series.get(i)[d][t]} is case i, channel d, step t;
   * {@code labels} (one per case, each in {@code classLabels}) is null for an unlabelled set,
   * and then {@code classLabels} must be null too.
   */
  public static TsDataset of(String problemName, List<String> classLabels,
      List<double[][]> series, List<String> labels) {
    if (problemName == null || problemName.isEmpty() || problemName.chars().anyMatch(
        Character::isWhitespace)) {
      throw new ParameterException("expected a problem name without spaces, found '"
          + problemName + "'");
    }
    if (series == null || series.isEmpty()) {
      throw new ParameterException("expected at least one case, found none");
    }
    if ((classLabels == null) != (labels == null)) {
      throw new ParameterException("expected class labels and labels both given or both null");
    }
    if (labels != null && labels.size() != series.size()) {
      throw new ShapeException("expected " + series.size() + " labels (one per case), found "
          + labels.size());
    }
    int dims = series.get(0).length;
    int len = dims == 0 ? 0 : series.get(0)[0].length;
    boolean equal = true;
    boolean miss = false;
    List<double[][]> copy = new ArrayList<>();
    for (int i = 0; i < series.size(); i++) {
      double[][] c = series.get(i);
      if (c.length != dims || dims == 0) {
        throw new ShapeException("expected " + Math.max(dims, 1) + " dimensions in case " + i
            + ", found " + c.length);
      }
      double[][] cc = new double[dims][];
      for (int d = 0; d < dims; d++) {
        if (c[d].length != c[0].length) {
          throw new ShapeException("expected every dimension of case " + i + " to have "
              + c[0].length + " steps, found " + c[d].length + " in dimension " + d);
        }
        cc[d] = c[d].clone();
        for (double v : cc[d]) {
          if (Double.isNaN(v)) {
            miss = true;
          } else if (Double.isInfinite(v)) {
            throw new ParameterException("expected finite values or NaN (missing) in case " + i
                + ", found " + v);
          }
        }
      }
      equal &= c[0].length == len;
      copy.add(cc);
    }
    List<String> cl = null;
    if (classLabels != null) {
      cl = List.copyOf(classLabels);
      for (int i = 0; i < labels.size(); i++) {
        if (!cl.contains(labels.get(i))) {
          throw new ParameterException("expected a label in " + cl + " for case " + i
              + ", found '" + labels.get(i) + "'");
        }
      }
    }
    return new TsDataset(problemName, dims, equal, miss, cl, Collections.unmodifiableList(copy),
        labels == null ? null : List.copyOf(labels));
  }

  public String problemName() {
    return problemName;
  }

  /** The number of channels of every case. */
  public int dimensions() {
    return dimensions;
  }

  /** The number of cases. */
  public int size() {
    return series.size();
  }

  /** Whether every case has the same length. */
  public boolean equalLength() {
    return equalLength;
  }

  /** Whether any value is missing (NaN). */
  public boolean hasMissing() {
    return missing;
  }

  /** The declared class labels in file order, or null for an unlabelled set. */
  public List<String> classLabels() {
    return classLabels;
  }

  /** Whether the cases carry class labels. */
  public boolean labelled() {
    return classLabels != null;
  }

  /** The length (steps) of case i. */
  public int length(int i) {
    return series.get(i)[0].length;
  }

  /** Case i, channel d, step t: {@code series(i)[d][t]} (a copy). */
  public double[][] series(int i) {
    double[][] c = series.get(i);
    double[][] out = new double[c.length][];
    for (int d = 0; d < c.length; d++) {
      out[d] = c[d].clone();
    }
    return out;
  }

  /** The label of case i (null when unlabelled). */
  public String label(int i) {
    return labels == null ? null : labels.get(i);
  }

  /** The index of case i's label in {@link #classLabels()}, or −1 when unlabelled. */
  public int labelIndex(int i) {
    return labels == null ? -1 : classLabels.indexOf(labels.get(i));
  }

  /**
   * Cases {@code cases} as one time-major batch [T, B·D] (step t, case b, channel d at column
   * b·D + d), the layout {@link dev.longscan.deer.Deer} takes; the cases must have one length.
   */
  public Sequence inputs(Precision precision, int... cases) {
    if (cases.length == 0) {
      throw new ParameterException("expected at least one case index, found none");
    }
    int len = length(cases[0]);
    Sequence out = Sequence.allocate(precision, len, cases.length * dimensions);
    for (int b = 0; b < cases.length; b++) {
      if (length(cases[b]) != len) {
        throw new ShapeException("expected cases of one length " + len + ", found case "
            + cases[b] + " of " + length(cases[b]));
      }
      double[][] c = series.get(cases[b]);
      for (int d = 0; d < dimensions; d++) {
        for (int t = 0; t < len; t++) {
          out.set(t, b * dimensions + d, c[d][t]);
        }
      }
    }
    return out;
  }
}
